import pino from 'pino';
import { waitFor } from '#keyway/testing';
import { SourcePrecedence } from './precedence.js';
import { Reconciler } from './reconciler.js';
import { leafFor, testCa } from './testing/harness.js';
import { MemorySink, MemoryStore, testSecret as secret } from './testing/memory-seams.js';

const ca = testCa();
// The test clock: fixed for the whole file, taken now (certificates are issued backdated by a day).
const now = new Date();
const tls = (name: string, leaf = leafFor(ca)) => secret(name, { 'tls.crt': leaf.cert, 'tls.key': leaf.key });

function setup(store = new MemoryStore(), sink = new MemorySink()) {
  const reconciler = new Reconciler(store, sink, {
    precedence: new SourcePrecedence(['kubernetes', 'api', 'directory']),
    validation: { now },
    deleteGraceSeconds: 60,
    logger: pino({ level: 'silent' }),
    now: () => now,
  });
  return { store, sink, reconciler };
}

describe('Reconciler', () => {
  it('audits, then publishes; identical content is no new version', async () => {
    const { store, sink, reconciler } = setup();
    await reconciler.load();
    const s = tls('web');
    expect(
      (await reconciler.submit({ kind: 'apply', source: 'api', actor: 'user:a', secret: s })).outcome,
    ).toBe('created');
    expect(
      (await reconciler.submit({ kind: 'apply', source: 'api', actor: 'user:a', secret: s })).outcome,
    ).toBe('unchanged');
    expect(store.committed.map((r) => `${r.name} ${r.revision} ${r.action}`)).toEqual(['web 1 created']);
    expect(sink.log).toEqual(['web@1 active']);
  });

  it('a -cacert Secret yields the validation context and wins over the CA inside <name>', async () => {
    const { sink, reconciler } = setup();
    const other = testCa('split ca');
    const leaf = leafFor(ca);
    await reconciler.submit({
      kind: 'apply',
      source: 'api',
      actor: 'a',
      secret: secret('web', { cert: leaf.cert, key: leaf.key, cacert: leaf.cert }),
    });
    await reconciler.submit({
      kind: 'apply',
      source: 'api',
      actor: 'a',
      secret: secret('web-cacert', { cacert: other.certificatePem }),
    });
    expect(sink.log).toEqual(['web@1 active', 'web-cacert@1 active', 'web-cacert@2 active']);
  });

  it('rejects an invalid version (audited), and the last good keeps serving', async () => {
    const { store, sink, reconciler } = setup();
    await reconciler.submit({ kind: 'apply', source: 'api', actor: 'a', secret: tls('web') });
    const out = await reconciler.submit({
      kind: 'apply',
      source: 'api',
      actor: 'a',
      secret: secret('web', { 'tls.crt': 'x', 'tls.key': 'y' }),
    });
    expect(out.outcome).toBe('rejected');
    expect(out.errors.map((e) => e.field)).toEqual(['data.tls.crt', 'data.tls.key']);
    expect(store.committed.map((r) => r.action)).toEqual(['created', 'rejected']);
    expect(sink.log).toEqual(['web@1 active']);
  });

  it('a rejection repeated by the same source and actor for the same reason is recorded once', async () => {
    const { store, reconciler } = setup();
    await reconciler.submit({ kind: 'apply', source: 'api', actor: 'a', secret: tls('web') });
    const bad = (n: number) => secret('web', { 'tls.crt': `x${n}`, 'tls.key': 'y' });
    // A tenant looping on a broken Secret: every attempt is refused, one row says so.
    for (let i = 0; i < 50; i++) {
      const out = await reconciler.submit({ kind: 'apply', source: 'api', actor: 'a', secret: bad(i) });
      expect(out.outcome).toBe('rejected');
      expect(out.errors.map((e) => e.field)).toEqual(['data.tls.crt', 'data.tls.key']);
    }
    // Another actor, or another reason, is new information: recorded.
    await reconciler.submit({ kind: 'apply', source: 'api', actor: 'b', secret: bad(0) });
    await reconciler.submit({
      kind: 'apply',
      source: 'api',
      actor: 'b',
      secret: secret('web', { 'tls.crt': 'x' }),
    });
    expect(store.committed.map((r) => `${r.revision} ${r.action} ${r.actor}`)).toEqual([
      '1 created a',
      '2 rejected a',
      '3 rejected b',
      '4 rejected b',
    ]);
  });

  it('deletion is audited and keeps serving for the grace period', async () => {
    const { sink, reconciler } = setup();
    await reconciler.submit({ kind: 'apply', source: 'directory', actor: 'file:a', secret: tls('web') });
    const out = await reconciler.submit({
      kind: 'delete',
      source: 'directory',
      actor: 'file:a',
      namespace: 'ns',
      name: 'web',
    });
    expect(out).toMatchObject({ outcome: 'deleted', revision: 2 });
    expect(sink.log).toEqual([
      'web@1 active',
      `web@2 deleted until ${new Date(now.getTime() + 60_000).toISOString()}`,
    ]);
    expect(
      (
        await reconciler.submit({
          kind: 'delete',
          source: 'directory',
          actor: 'file:a',
          namespace: 'ns',
          name: 'web',
        })
      ).outcome,
    ).toBe('not-found');
  });

  it('with the store down, versions wait (health says so) and publish in order once it is back', async () => {
    const { store, sink, reconciler } = setup();
    await reconciler.submit({ kind: 'apply', source: 'api', actor: 'a', secret: tls('web') });
    store.down = true;
    const pending = [tls('web'), tls('web'), tls('web')].map((s) =>
      reconciler.submit({ kind: 'apply', source: 'api', actor: 'a', secret: s }),
    );
    await waitFor(() => !reconciler.health().ok, { what: 'unhealthy' });
    expect(reconciler.health().detail).toMatch(
      new RegExp(
        `^audit log unavailable since ${now.toISOString().replace(/\./g, '\\.')}: new versions wait \\(connect ECONNREFUSED`,
      ),
    );
    expect(sink.log).toEqual(['web@1 active']);
    store.down = false;
    expect((await Promise.all(pending)).map((o) => o.revision)).toEqual([2, 3, 4]);
    expect(sink.log).toEqual(['web@1 active', 'web@2 active', 'web@3 active', 'web@4 active']);
    expect(reconciler.health().ok).toBe(true);
  });

  it('a higher-precedence source shadows a lower one; removing it falls back, each step audited once', async () => {
    const { store, reconciler } = setup();
    const fromDir = tls('web');
    await reconciler.submit({ kind: 'apply', source: 'directory', actor: 'file:a', secret: fromDir });
    const fromKube = tls('web');
    const out = await reconciler.submit({
      kind: 'apply',
      source: 'kubernetes',
      actor: 'kubernetes',
      secret: fromKube,
    });
    expect(out.warnings).toEqual([
      'Secret/ns/web: source directory is shadowed by source kubernetes, which takes precedence',
    ]);
    await reconciler.submit({
      kind: 'delete',
      source: 'kubernetes',
      actor: 'kubernetes',
      namespace: 'ns',
      name: 'web',
    });
    expect(store.committed.map((r) => `${r.revision} ${r.action} ${r.source}`)).toEqual([
      '1 created directory',
      '2 updated kubernetes',
      '3 updated directory',
    ]);
  });

  it('after a restart: nothing duplicated, a Secret gone while down is deleted', async () => {
    const first = setup();
    await first.reconciler.submit({
      kind: 'apply',
      source: 'directory',
      actor: 'file:a',
      secret: tls('kept'),
    });
    const kept = first.reconciler.secrets('ns')[0].entry.validation.secret;
    await first.reconciler.submit({
      kind: 'apply',
      source: 'directory',
      actor: 'file:b',
      secret: tls('gone'),
    });
    await first.reconciler.stop();
    const second = setup(first.store, first.sink);
    await second.reconciler.load();
    second.reconciler.seed('directory', 'file:a', kept);
    await second.reconciler.reconcileAll();
    expect(first.store.committed.map((r) => `${r.name} ${r.revision} ${r.action} ${r.source}`)).toEqual([
      'kept 1 created directory',
      'gone 1 created directory',
      'gone 2 deleted startup',
    ]);
  });
});
