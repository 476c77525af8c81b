import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKET_SETTINGS, type BucketName, type BucketSettings } from '#keyway/contracts';

/**
 * Opens a bucket, creating it or converging its settings. Safe when several replicas run it at
 * once: creating an identical stream twice is a no-op on the server, and a lost race falls back
 * to reading what the winner created.
 */
export async function provisionBucket(
  nc: NatsConnection,
  name: string,
  settings: BucketSettings,
  replicas = 1,
  converge = true,
): Promise<KV> {
  const jsm = await jetstreamManager(nc);
  const stream = `KV_${name}`;
  const want = {
    history: settings.history,
    ttl: settings.ttlMs,
    description: settings.description,
    replicas,
  };
  const kvm = new Kvm(nc);
  let kv: KV;
  try {
    kv = await kvm.create(name, want);
  } catch (e) {
    const message = String((e as Error).message);
    if (/replicas/i.test(message)) throw replicaError(name, replicas, message);
    // Another replica created it with other settings first: open it, then converge below.
    if (!/already in use|exists/i.test(message)) throw e;
    kv = await kvm.open(name);
  }
  // Only the bucket's writer may change its settings (a reader's NATS user may not: nats-permissions.ts).
  if (!converge) return kv;
  const info = await jsm.streams.info(stream);
  const wantAgeNs = settings.ttlMs * 1_000_000;
  if (
    info.config.max_msgs_per_subject !== settings.history ||
    info.config.max_age !== wantAgeNs ||
    info.config.description !== settings.description ||
    info.config.num_replicas !== replicas
  ) {
    try {
      await jsm.streams.update(stream, {
        ...info.config,
        max_msgs_per_subject: settings.history,
        max_age: wantAgeNs,
        description: settings.description,
        num_replicas: replicas,
      });
    } catch (e) {
      const message = String((e as Error).message);
      throw /replicas/i.test(message) ? replicaError(name, replicas, message) : e;
    }
  }
  return kv;
}

/** The server's refusal, with what to change: a single server cannot hold more than one replica. */
function replicaError(bucket: string, replicas: number, reason: string): Error {
  return new Error(
    `KV bucket ${bucket}: cannot keep ${replicas} replicas (${reason}); NATS_KV_REPLICAS must not exceed the number of JetStream servers in the cluster`,
  );
}

/** Provisions one of keyway's declared buckets with its declared settings and replica count. */
export function provisionKeywayBucket(nc: NatsConnection, bucket: BucketName, replicas = 1): Promise<KV> {
  return provisionBucket(nc, bucket, BUCKET_SETTINGS[bucket], replicas);
}

/**
 * Opens a bucket this service only reads: created with the declared settings when missing, never
 * converged (its writer does that; a reader's NATS user may not update the stream).
 */
export function openKeywayBucket(nc: NatsConnection, bucket: BucketName, replicas = 1): Promise<KV> {
  return provisionBucket(nc, bucket, BUCKET_SETTINGS[bucket], replicas, false);
}
