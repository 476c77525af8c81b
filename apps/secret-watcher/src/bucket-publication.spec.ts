import pino from 'pino';
import type { ChainedAuditRow, Resolution, ResolvedCredential } from '#keyway/secrets';
import { BucketPublication, serveUntil } from './bucket-publication.js';
import type { ServedState } from './credential-changes.js';
import { OutageRetry } from './outage-retry.js';
import { MemorySink } from './testing/memory-seams.js';

const deletedAt = '2030-01-02T03:04:05.000Z';

/** Just the fields the sink reads from a credential. */
const credential = (sdsName: string, contentHash: string) =>
  ({ namespace: 'ns', sdsName, contentHash }) as ResolvedCredential;

function setup(sink = new MemorySink()) {
  const retry = new OutageRetry({
    logger: pino({ level: 'silent' }),
    now: () => new Date(deletedAt),
    sleep: async () => undefined,
  });
  return { sink, publication: new BucketPublication(sink, retry, 60) };
}

describe('BucketPublication', () => {
  it('serves a deleted credential until its grace period ends', () => {
    expect(serveUntil(deletedAt, 3600)).toBe('2030-01-02T04:04:05.000Z');
  });

  it('marks a deletion, under its audit revision, until the grace period ends', async () => {
    const { sink, publication } = setup();
    await publication.publish({ action: 'deleted', namespace: 'ns', name: 'web', contentHash: 'h' }, {
      revision: 4,
      recordedAt: deletedAt,
    } as ChainedAuditRow);
    expect(sink.log).toEqual(['web@4 deleted until 2030-01-02T03:05:05.000Z']);
  });

  it('puts a fresh revision without reading first; a retry reads first', async () => {
    const sink = new MemorySink();
    let failures = 1;
    const publish = sink.publish.bind(sink);
    sink.publish = async (c, revision, check) => {
      if (failures-- > 0) {
        sink.checks.push(check ?? true);
        throw new Error('TIMEOUT');
      }
      return publish(c, revision, check);
    };
    const { publication } = setup(sink);
    await publication.publish(
      { action: 'created', namespace: 'ns', name: 'web', credential: credential('web', 'h') },
      {
        revision: 1,
      } as ChainedAuditRow,
    );
    expect(sink.checks).toEqual([false, true]);
    expect(sink.log).toEqual(['web@1 active']);
  });

  it('after a restart, publishes what was audited and still resolves, and marks deletions again', async () => {
    const { sink, publication } = setup();
    const served = (name: string, revision: number, state: 'active' | 'deleted', contentHash: string) =>
      [name, { namespace: 'ns', name, revision, contentHash, state, recordedAt: deletedAt }] as const;
    const states = new Map<string, ServedState>([
      served('web', 3, 'active', 'h-web'),
      served('changed', 2, 'active', 'h-old'),
      served('gone', 5, 'deleted', 'h-gone'),
    ]);
    await publication.republishServed({
      servedByNamespace: () => [['ns', states]],
      resolve: () =>
        ({ credentials: [credential('web', 'h-web'), credential('changed', 'h-new')] }) as Resolution,
    });
    expect(sink.log).toEqual(['web@3 active', 'gone@5 deleted until 2030-01-02T03:05:05.000Z']);
    // A restart may repeat what the bucket has, so the sink compares first (its default, as in KvCredentialSink).
    expect(sink.checks).toEqual([true]);
  });
});
