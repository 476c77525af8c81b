import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { natsUrlForTests, waitFor } from '#keyway/testing';
import { connectNats } from './nats-connection.js';
import { provisionBucket } from './kv-provisioning.js';
import { TypedBucket } from './typed-bucket.js';
import { watchBucket, type WatchEvent } from './kv-watcher.js';
import { natsTransportHealth, natsTransportServer } from './command-client.js';

const value = z.object({ schemaVersion: z.literal(1), n: z.number() });
type V = z.infer<typeof value>;

describe('messaging over real NATS', () => {
  let nc: NatsConnection;
  const bucket = `keyway-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    nc = await connectNats({ url: natsUrlForTests(), name: 'messaging-test' });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
    await jsm.streams.delete(`KV_${bucket}-race`).catch(() => undefined);
    await jsm.streams.delete(`KV_${bucket}-many`).catch(() => undefined);
    await nc.close();
  });

  it('provisioning run twice at once ends in one bucket with the intended settings', async () => {
    const name = `${bucket}-race`;
    const settings = { history: 3, ttlMs: 0, description: 'race test' };
    await Promise.all([provisionBucket(nc, name, settings), provisionBucket(nc, name, settings)]);
    const jsm = await jetstreamManager(nc);
    const streams: string[] = [];
    for await (const s of jsm.streams.list())
      if (s.config.name.startsWith(`KV_${name}`)) streams.push(s.config.name);
    expect(streams).toEqual([`KV_${name}`]);
    const info = await jsm.streams.info(`KV_${name}`);
    expect(info.config.max_msgs_per_subject).toBe(3);
    expect(info.config.description).toBe('race test');
    // A later replica with other intended settings converges the bucket.
    await provisionBucket(nc, name, { history: 5, ttlMs: 0, description: 'race test v2' });
    const after = await jsm.streams.info(`KV_${name}`);
    expect(after.config.max_msgs_per_subject).toBe(5);
    expect(after.config.description).toBe('race test v2');
  });

  it('a typed watcher delivers current state, signals ready, then updates; identical puts are skipped', async () => {
    const kv = await provisionBucket(nc, bucket, { history: 1, ttlMs: 0, description: 'watch test' });
    const typed = new TypedBucket(kv, value);
    expect(await typed.put('a', { schemaVersion: 1, n: 1 })).toBeGreaterThan(0);
    await typed.put('b', { schemaVersion: 1, n: 2 });
    expect(await typed.put('a', { schemaVersion: 1, n: 1 })).toBeUndefined();
    await kv.put('bad', Buffer.from(JSON.stringify({ schemaVersion: 2 })));

    const events: WatchEvent<V>[] = [];
    let readyAt = -1;
    let sawUpdate!: () => void;
    const updated = new Promise<void>((r) => (sawUpdate = r));
    const watch = await watchBucket(kv, value, {
      onEvent: (e) => {
        events.push(e);
        if (e.key === 'c' || (e.kind === 'delete' && e.key === 'b'))
          if (events.some((x) => x.key === 'c') && events.some((x) => x.kind === 'delete')) sawUpdate();
      },
      onReady: () => {
        readyAt = events.length;
      },
    });
    await watch.ready;
    expect(readyAt).toBe(2);
    expect(events.map((e) => e.key).sort()).toEqual(['a', 'b']);
    await typed.put('c', { schemaVersion: 1, n: 3 });
    await typed.delete('b');
    await updated;
    expect(events.slice(2).map((e) => `${e.kind}:${e.key}`)).toEqual(['put:c', 'delete:b']);
    await watch.stop();
  });

  it('signals ready at once on an empty bucket', async () => {
    const kv = await provisionBucket(nc, `${bucket}-empty`, { history: 1, ttlMs: 0, description: 'empty' });
    const watch = await watchBucket(kv, value, { onEvent: () => undefined });
    await watch.ready;
    await watch.stop();
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}-empty`);
  });

  it('signals ready only once every key of a large bucket with history has been delivered', async () => {
    const kv = await provisionBucket(nc, `${bucket}-many`, {
      history: 5,
      ttlMs: 0,
      description: 'many keys',
    });
    const keys = Array.from({ length: 500 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const put = (key: string, n: number) => kv.put(key, JSON.stringify({ schemaVersion: 1, n }));
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k, j) => put(k, i + j)));
    // History: the first 100 keys written a second time, the last 10 deleted. The state is still one
    // entry per key (its latest value, or its delete marker), 500 in all.
    await Promise.all(keys.slice(0, 100).map((k, i) => put(k, 1000 + i)));
    await Promise.all(keys.slice(490).map((k) => kv.delete(k)));

    const events: WatchEvent<V>[] = [];
    let atReady = -1;
    const watch = await watchBucket(kv, value, {
      onEvent: (e) => void events.push(e),
      onReady: () => {
        atReady = events.length;
      },
    });
    await watch.ready;
    expect(atReady).toBe(500);
    expect(new Set(events.map((e) => e.key)).size).toBe(500);
    expect(
      events
        .filter((e) => e.kind === 'delete')
        .map((e) => e.key)
        .sort(),
    ).toEqual(keys.slice(490));
    expect(events.find((e) => e.key === 'k000')).toMatchObject({ kind: 'put', value: { n: 1000 } });
    expect(events.find((e) => e.key === 'k200')).toMatchObject({ kind: 'put', value: { n: 200 } });

    await put('late', 1);
    await waitFor(() => events.length === 501, { what: 'the update after ready' });
    expect(events[500]).toMatchObject({ kind: 'put', key: 'late' });
    await watch.stop();
  });

  it('a Nest NATS transport reads as ready only while it listens', async () => {
    const server = natsTransportServer({ url: natsUrlForTests(), queue: `health-${process.pid}` });
    expect(await natsTransportHealth(server)).toEqual({ ok: false, detail: 'transport not listening' });
    await new Promise<void>((resolve, reject) => {
      server.listen((err?: unknown) => (err ? reject(err as Error) : resolve())).catch(reject);
    });
    expect(await natsTransportHealth(server)).toMatchObject({ ok: true });
    await server.close();
    expect(await natsTransportHealth(server)).toEqual({ ok: false, detail: 'transport not listening' });
  });
});
