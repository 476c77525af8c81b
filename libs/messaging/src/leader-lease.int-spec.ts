import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { natsUrlForTests } from '#keyway/testing';
import { provisionBucket } from './kv-provisioning.js';
import { acquireLeadership, type Leadership } from './leader-lease.js';
import { connectNats } from './nats-connection.js';

const logger = pino({ level: 'silent' });
const ttlMs = 1200;
const settings = { history: 1, ttlMs: 0, description: 'lease test' };

describe('leader lease on real NATS', () => {
  const bucketName = `keyway-lease-test-${process.pid}-${Date.now()}`;
  let nc: NatsConnection;
  const opened: NatsConnection[] = [];
  const held: Leadership[] = [];

  /** A replica with its own NATS connection, as separate processes have. */
  async function replica(holder: string): Promise<{ kv: KV; nc: NatsConnection }> {
    const own = await connectNats({ url: natsUrlForTests(), name: holder });
    opened.push(own);
    return { kv: await provisionBucket(own, bucketName, settings, 1), nc: own };
  }
  const acquire = async (holder: string, key: string, r?: { kv: KV }, probe?: () => Promise<boolean>) => {
    const l = await acquireLeadership({
      bucket: (r ?? (await replica(holder))).kv,
      key,
      holder,
      ttlMs,
      logger,
      probe,
    });
    held.push(l);
    return l;
  };

  beforeAll(async () => {
    nc = await connectNats({ url: natsUrlForTests(), name: 'lease-test' });
  });
  afterAll(async () => {
    for (const l of held) l.abandon('test over');
    for (const c of opened) await c.close().catch(() => undefined);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`KV_${bucketName}`).catch(() => undefined);
    await nc.close();
  });

  it('one replica leads; a second waits until the first releases, then takes over at once', async () => {
    const a = await acquire('a', 'release');
    let bLeads = false;
    const b = acquire('b', 'release').then((l) => ((bLeads = true), l));
    await new Promise((r) => setTimeout(r, ttlMs * 2));
    expect(bLeads).toBe(false);
    const releasedAt = performance.now();
    await a.release();
    const lb = await b;
    expect(performance.now() - releasedAt).toBeLessThan(ttlMs / 2);
    expect(lb.token).toBeGreaterThan(a.token);
    expect(await a.lost).toBe('released');
  });

  it('a leader that dies without releasing is replaced after the ttl, with a greater token', async () => {
    const a = await acquire('a', 'crash');
    a.abandon('simulated crash: stops renewing, leaves the entry');
    const since = performance.now();
    const b = await acquire('b', 'crash');
    const took = performance.now() - since;
    expect(took).toBeGreaterThanOrEqual(ttlMs * 0.9);
    expect(took).toBeLessThan(ttlMs * 2);
    expect(b.token).toBeGreaterThan(a.token);
  });

  it('a leader cut off from NATS stops before the standby takes over', async () => {
    const ra = await replica('a');
    const a = await acquire('a', 'partition', ra);
    const b = acquire('b', 'partition');
    await new Promise((r) => setTimeout(r, ttlMs / 2));
    // The partition: a's connection goes away; its renewals fail from now on.
    await ra.nc.close();
    const stepsDown = a.lost.then(() => performance.now());
    const takesOver = b.then(() => performance.now());
    const [stopped, started] = await Promise.all([stepsDown, takesOver]);
    expect(stopped).toBeLessThan(started);
  });

  it('a restarted replica (same holder) takes its lease back without waiting', async () => {
    const first = await acquire('same', 'restart');
    first.abandon('the process died');
    const since = performance.now();
    const again = await acquire('same', 'restart');
    expect(performance.now() - since).toBeLessThan(ttlMs / 2);
    expect(again.token).toBeGreaterThan(first.token);
  });

  it('a leader that cannot reach its store hands over to a standby that can, within the ttl', async () => {
    let aReaches = true;
    const a = await acquire('a', 'store', undefined, async () => aReaches);
    const b = acquire('b', 'store', undefined, async () => true);
    await new Promise((r) => setTimeout(r, ttlMs));
    const since = performance.now();
    aReaches = false;
    expect(await a.lost).toMatch(/cannot reach its store while a standby can/);
    const lb = await b;
    process.stdout.write(
      `hand-over after the leader lost its store: ${Math.round(performance.now() - since)} ms (ttl ${ttlMs} ms)\n`,
    );
    expect(performance.now() - since).toBeLessThan(ttlMs * 2);
    expect(lb.token).toBeGreaterThan(a.token);
  });

  it('when no replica can reach the store, the leader keeps its lease (no taking turns)', async () => {
    const a = await acquire('a', 'outage', undefined, async () => false);
    let bLeads = false;
    const b = acquire('b', 'outage', undefined, async () => false).then((l) => ((bLeads = true), l));
    let lost = false;
    void a.lost.then(() => (lost = true));
    await new Promise((r) => setTimeout(r, ttlMs * 3));
    expect({ lost, bLeads }).toEqual({ lost: false, bLeads: false });
    await a.release();
    await b;
  });
});
