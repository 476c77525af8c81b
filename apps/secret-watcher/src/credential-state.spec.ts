import type { ChainedAuditRow } from '#keyway/secrets';
import type { SourceName } from './config.js';
import { CredentialState } from './credential-state.js';
import { SourcePrecedence } from './precedence.js';
import { entryFor } from './secret-entry.js';
import { testCa } from './testing/harness.js';
import { tlsSecret } from './testing/memory-seams.js';

const ca = testCa();
const now = new Date();
const at = now.toISOString();

const copy = (source: SourceName, name: string, namespace = 'ns') =>
  entryFor(source, `${source}:actor`, tlsSecret(name, ca, namespace), { now }, at);

/** Just the fields the state reads from a row. */
const row = (
  name: string,
  revision: number,
  action: ChainedAuditRow['action'],
  namespace = 'ns',
): ChainedAuditRow =>
  ({ namespace, name, revision, action, contentHash: `h${revision}`, recordedAt: at }) as ChainedAuditRow;

const setup = () => new CredentialState(new SourcePrecedence(['kubernetes', 'api', 'directory']));

describe('CredentialState', () => {
  it('serves the copy of the source with the highest precedence, and lists only winners', () => {
    const state = setup();
    state.hold('ns', 'web', new Map([['directory', copy('directory', 'web')]]));
    state.hold(
      'ns',
      'web',
      new Map(state.copiesOf('ns', 'web')).set('kubernetes', copy('kubernetes', 'web')),
    );
    state.hold('other', 'api', new Map([['api', copy('api', 'api', 'other')]]));
    expect(state.winner('ns', 'web')?.source).toBe('kubernetes');
    expect(state.secrets().map((s) => `${s.namespace}/${s.name} ${s.entry.source}`)).toEqual([
      'ns/web kubernetes',
      'other/api api',
    ]);
    expect(state.secrets('other').map((s) => s.name)).toEqual(['api']);
    expect(state.resolve('ns').credentials.map((c) => c.sdsName)).toEqual(['web']);
  });

  it('forgets a Secret when its last copy goes', () => {
    const state = setup();
    state.hold('ns', 'web', new Map([['api', copy('api', 'web')]]));
    state.hold('ns', 'web', new Map());
    expect(state.copiesOf('ns', 'web').size).toBe(0);
    expect(state.namespaces()).toEqual([]);
  });

  it('a rejection advances the chain head but changes nothing served', () => {
    const state = setup();
    state.record([row('web', 1, 'created')]);
    state.record([row('web', 2, 'rejected')]);
    expect(state.head('ns', 'web')?.revision).toBe(2);
    expect(state.served('ns', 'web')).toMatchObject({ revision: 1, state: 'active' });
    state.record([row('web', 3, 'deleted')]);
    expect(state.served('ns', 'web')).toMatchObject({ revision: 3, state: 'deleted', contentHash: 'h3' });
  });

  it('a checkpoint puts back held copies, chain heads and served state', () => {
    const state = setup();
    state.load([row('web', 1, 'created')], [row('web', 1, 'created')]);
    state.hold('ns', 'web', new Map([['api', copy('api', 'web')]]));
    const rollback = state.checkpoint();

    state.hold('ns', 'web', new Map());
    state.hold('b', 'new', new Map([['api', copy('api', 'new', 'b')]]));
    // An existing namespace's served map changes in place: the checkpoint must not share it.
    state.record([row('web', 2, 'updated'), row('second', 1, 'created')]);
    rollback();

    expect(state.copiesOf('ns', 'web').has('api')).toBe(true);
    expect(state.copiesOf('b', 'new').size).toBe(0);
    expect(state.head('ns', 'web')?.revision).toBe(1);
    expect(state.served('ns', 'web')?.revision).toBe(1);
    expect(state.served('ns', 'second')).toBeUndefined();
    expect(state.namespaces()).toEqual(['ns']);
  });

  it('visits every namespace with something held or served, sorted', () => {
    const state = setup();
    state.record([row('gone', 1, 'created', 'zeta')]);
    state.hold('alpha', 'web', new Map([['api', copy('api', 'web', 'alpha')]]));
    state.hold('ns', 'web', new Map([['api', copy('api', 'web')]]));
    expect(state.namespaces()).toEqual(['alpha', 'ns', 'zeta']);
  });
});
