import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { credentialAssociatedData, type CredentialRecord } from '#keyway/contracts';
import { TypeUrl } from '#keyway/envoy-api';
import { Keyring } from '#keyway/key-material';
import { createLogger } from '#keyway/observability';
import { testDataKeys } from '#keyway/testing';
import { CredentialFeed } from './credential-feed.js';
import { ResourceStore } from './resource-store.js';

const keyring = Keyring.parse(testDataKeys());
const NS = 'team-a';

function record(
  revision: number,
  extra: Partial<CredentialRecord> = {},
  material?: object,
): CredentialRecord {
  return {
    schemaVersion: 1,
    namespace: NS,
    name: 'web',
    kind: 'tls-certificate',
    revision,
    contentHash: createHash('sha256').update(String(revision)).digest('hex'),
    state: 'active',
    caFingerprints: [],
    material: keyring.seal(
      JSON.stringify(material ?? { certificateChain: `chain-${revision}`, privateKey: 'k' }),
      credentialAssociatedData(NS, 'web', revision),
    ),
    ...extra,
  };
}

describe('CredentialFeed', () => {
  let store: ResourceStore;
  let lines: string[];
  let feed: CredentialFeed;
  let now: number;
  const served = () => store.viewFor(NS, 'g').resources(TypeUrl.Secret);

  beforeEach(() => {
    jest.useFakeTimers();
    store = new ResourceStore();
    lines = [];
    now = Date.parse('2026-01-01T00:00:00Z');
    const logger = createLogger({
      service: 'sds-server',
      destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    });
    feed = new CredentialFeed(store, keyring, logger, () => now);
  });

  afterEach(() => {
    feed.close();
    jest.useRealTimers();
  });

  it('refuses an older envelope replayed into the bucket under a newer revision', () => {
    feed.apply({
      kind: 'put',
      key: `${NS}.web`,
      value: record(1, {}, { certificateChain: 'old', privateKey: 'k' }),
    });
    const old = record(1, {}, { certificateChain: 'old', privateKey: 'k' }).material;
    feed.apply({
      kind: 'put',
      key: `${NS}.web`,
      value: record(2, {}, { certificateChain: 'new', privateKey: 'k' }),
    });
    // Whoever can write the bucket (not the secret-watcher) puts the old envelope back as revision 3.
    feed.apply({ kind: 'put', key: `${NS}.web`, value: { ...record(3), material: old } });
    expect(served().get('kubernetes://web')?.version).toBe(
      record(2, {}, { certificateChain: 'new', privateKey: 'k' }).contentHash.slice(0, 16),
    );
    expect(lines.join('')).toMatch(/credential not served: cannot open or encode it/);
  });

  it('ignores a whole older record put back after a newer one was served', () => {
    const first = record(1, {}, { certificateChain: 'old', privateKey: 'k' });
    feed.apply({ kind: 'put', key: `${NS}.web`, value: first });
    feed.apply({
      kind: 'put',
      key: `${NS}.web`,
      value: record(2, {}, { certificateChain: 'new', privateKey: 'k' }),
    });
    feed.apply({ kind: 'put', key: `${NS}.web`, value: first });
    expect(served().get('kubernetes://web')?.version).toBe(record(2).contentHash.slice(0, 16));
    expect(lines.join('')).toMatch(/older than revision 2 already served: ignored/);
  });

  it('serves an active credential under both names', () => {
    feed.apply({ kind: 'put', key: `${NS}.web`, value: record(1) });
    expect([...served().keys()].sort()).toEqual(['kubernetes://team-a/web', 'kubernetes://web']);
  });

  it('keeps serving a deleted credential until its grace period ends', () => {
    feed.apply({ kind: 'put', key: `${NS}.web`, value: record(1) });
    feed.apply({
      kind: 'put',
      key: `${NS}.web`,
      value: record(2, { state: 'deleted', serveUntil: new Date(now + 60_000).toISOString() }),
    });
    expect(served().size).toBe(2);
    jest.advanceTimersByTime(60_000);
    expect(served().size).toBe(0);
  });

  it('removes a deleted credential past its grace period, and on a KV delete', () => {
    feed.apply({ kind: 'put', key: `${NS}.web`, value: record(1) });
    feed.apply({
      kind: 'put',
      key: `${NS}.web`,
      value: record(2, { state: 'deleted', serveUntil: new Date(now - 1).toISOString() }),
    });
    expect(served().size).toBe(0);
    feed.apply({ kind: 'put', key: `${NS}.web`, value: record(3) });
    feed.apply({ kind: 'delete', key: `${NS}.web` });
    expect(served().size).toBe(0);
  });

  it('a credential that cannot be opened is logged and the last good version keeps serving', () => {
    feed.apply({ kind: 'put', key: `${NS}.web`, value: record(1) });
    const bad = { ...record(2), material: Keyring.parse(testDataKeys('other')).seal('{}', 'x') };
    feed.apply({ kind: 'put', key: `${NS}.web`, value: bad });
    const incomplete = record(3, {}, { certificateChain: 'only-chain' });
    feed.apply({ kind: 'put', key: `${NS}.web`, value: incomplete });
    expect(served().get('kubernetes://web')?.version).toBe(record(1).contentHash.slice(0, 16));
    expect(lines.filter((l) => l.includes('credential not served'))).toHaveLength(2);
    expect(lines.join('')).not.toMatch(/PRIVATE KEY/);
  });
});
