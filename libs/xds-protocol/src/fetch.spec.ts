import { fetchResources } from './fetch.js';
import { SDS_MODE } from './stream-mode.js';
import { contentVersion } from './version.js';
import { CDS, NODE, SDS, cacheWith, sentNames } from './testing/spec-fixtures.js';

describe('fetchResources (FetchSecrets)', () => {
  const cache = cacheWith([
    [SDS, 'kubernetes://a', 'v1'],
    [SDS, 'kubernetes://other/b', 'v1'],
  ]);
  const options = {
    mode: SDS_MODE,
    view: () => cache,
    allowName: (_t: string, name: string) => !name.startsWith('kubernetes://other/'),
  };

  it.each([
    { label: 'existing names', names: ['kubernetes://a'], sent: ['kubernetes://a@v1'], failure: undefined },
    {
      label: 'existing and missing',
      names: ['kubernetes://a', 'kubernetes://z'],
      sent: ['kubernetes://a@v1'],
      failure: undefined,
    },
    { label: 'only missing names', names: ['kubernetes://z'], sent: null, failure: 'NOT_FOUND' },
    { label: 'no names', names: [], sent: null, failure: 'NOT_FOUND' },
    {
      label: "another namespace's secret",
      names: ['kubernetes://other/b'],
      sent: null,
      failure: 'NOT_FOUND',
    },
  ])('$label', ({ names, sent, failure }) => {
    const outcome = fetchResources({ node: NODE, resource_names: names }, options);
    expect(outcome.ok ? sentNames(outcome.response.resources) : null).toEqual(sent);
    expect(outcome.ok ? undefined : outcome.failure.status).toBe(failure);
  });

  it('versions the response by content and reports denied names', () => {
    const outcome = fetchResources(
      { node: NODE, resource_names: ['kubernetes://a', 'kubernetes://other/b'] },
      options,
    );
    expect(outcome.ok && outcome.response.version_info).toBe(contentVersion([['kubernetes://a', 'v1']]));
    expect(outcome.events).toEqual([{ kind: 'denied', typeUrl: SDS, name: 'kubernetes://other/b' }]);
  });

  it.each([
    { label: 'no node', request: { resource_names: ['kubernetes://a'] } },
    { label: 'another type', request: { node: NODE, type_url: CDS, resource_names: ['kubernetes://a'] } },
  ])('fails with INVALID_ARGUMENT: $label', ({ request }) => {
    const outcome = fetchResources(request, options);
    expect(outcome.ok ? undefined : outcome.failure.status).toBe('INVALID_ARGUMENT');
  });
});
