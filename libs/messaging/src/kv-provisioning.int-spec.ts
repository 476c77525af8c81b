import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsUrlForTests } from '#keyway/testing';
import { provisionBucket } from './kv-provisioning.js';
import { connectNats } from './nats-connection.js';

// The test NATS is a single JetStream server: it refuses to create a bucket with more than one
// replica, which makes the refusal observable here.
describe('KV bucket replicas', () => {
  let nc: NatsConnection;
  const name = `keyway-replicas-${process.pid}-${Date.now()}`;
  const settings = { history: 1, ttlMs: 0, description: 'replica test' };

  beforeAll(async () => {
    nc = await connectNats({ url: natsUrlForTests(), name: 'replicas-test' });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`KV_${name}`).catch(() => undefined);
    await jsm.streams.delete(`KV_${name}-new`).catch(() => undefined);
    await nc.close();
  });

  it('creates a bucket with the replica count asked for', async () => {
    await provisionBucket(nc, name, settings, 1);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`KV_${name}`)).config.num_replicas).toBe(1);
  });

  it('refuses to create a bucket the servers cannot hold, naming the bucket and NATS_KV_REPLICAS', async () => {
    await expect(provisionBucket(nc, `${name}-new`, settings, 3)).rejects.toThrow(
      new RegExp(`KV bucket ${name}-new: cannot keep 3 replicas .*NATS_KV_REPLICAS`),
    );
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.info(`KV_${name}-new`)).rejects.toThrow(/not found/);
  });

  it('converges an existing bucket to the replica count asked for, keeping its data', async () => {
    const kv = await provisionBucket(nc, name, settings, 1);
    await kv.put('k', 'kept');
    // A standalone server records the count (a cluster would place the copies).
    await provisionBucket(nc, name, settings, 2);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`KV_${name}`)).config.num_replicas).toBe(2);
    await provisionBucket(nc, name, settings, 1);
    expect((await jsm.streams.info(`KV_${name}`)).config.num_replicas).toBe(1);
    expect((await kv.get('k'))?.string()).toBe('kept');
  });
});
