import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { TypedBucket } from './typed-bucket.js';

export type WatchEvent<T> =
  | { kind: 'put'; key: string; value: T; revision: number }
  | { kind: 'delete'; key: string; revision: number };

export interface WatchHandlers<T> {
  /** Every entry: first the current state (one event per live key), then each change. */
  onEvent(event: WatchEvent<T>): void | Promise<void>;
  /** Called once, after the current state has been delivered (also for an empty bucket). */
  onReady?(): void | Promise<void>;
}

export interface KvWatch {
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A typed watcher: delivers the bucket's current state, signals ready, then delivers updates.
 * Values failing the schema are logged and skipped, never passed on.
 */
export async function watchBucket<S extends z.ZodType>(
  kv: KV,
  schema: S,
  handlers: WatchHandlers<z.output<S>>,
  options: { key?: string; logger?: Logger } = {},
): Promise<KvWatch> {
  const typed = new TypedBucket(kv, schema);
  return follow(kv, { key: options.key ?? '>' }, handlers.onReady, async (entry) => {
    try {
      if (entry.operation === 'PUT') {
        const value = typed.decode(entry.key, entry.value);
        await handlers.onEvent({ kind: 'put', key: entry.key, value, revision: entry.revision });
      } else {
        await handlers.onEvent({ kind: 'delete', key: entry.key, revision: entry.revision });
      }
    } catch (e) {
      options.logger?.error(
        { bucket: typed.name, key: entry.key, err: e },
        'skipped an invalid bucket entry',
      );
    }
  });
}

export type KeyEvent = { kind: 'put' | 'delete'; key: string; revision: number };

/**
 * Which keys a bucket holds, without their values: the server sends headers only, so a consumer that
 * needs to know only what exists (the route-compiler, which credentials exist) never receives the
 * value (a sealed credential) at all. Same ready semantics as watchBucket.
 */
export async function watchBucketKeys(
  kv: KV,
  handlers: { onEvent(event: KeyEvent): void | Promise<void>; onReady?(): void | Promise<void> },
  options: { key?: string; logger?: Logger } = {},
): Promise<KvWatch> {
  return follow(kv, { key: options.key ?? '>', headers_only: true }, handlers.onReady, async (entry) => {
    try {
      await handlers.onEvent({
        kind: entry.operation === 'PUT' ? 'put' : 'delete',
        key: entry.key,
        revision: entry.revision,
      });
    } catch (e) {
      options.logger?.error({ key: entry.key, err: e }, 'bucket key handler failed');
    }
  });
}

/** Delivers the watched keys' state, signals ready once it is all delivered, then follows changes. */
async function follow(
  kv: KV,
  watchOptions: { key: string; headers_only?: boolean },
  onReady: (() => void | Promise<void>) | undefined,
  handle: (entry: KvWatchEntry) => Promise<void>,
): Promise<KvWatch> {
  const iter = await kv.watch(watchOptions);
  const initialCount = await initialStateSize(iter);
  let delivered = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  let isReady = false;
  const markReady = async () => {
    if (isReady) return;
    isReady = true;
    await onReady?.();
    resolveReady();
  };
  if (initialCount === 0) await markReady();

  const loop = (async () => {
    for await (const entry of iter as AsyncIterable<KvWatchEntry>) {
      await handle(entry);
      delivered++;
      // `delta === 0` (nothing pending after this entry) as well as the count: entries purged or
      // expired between the consumer's creation and their delivery are counted but never arrive.
      if (!isReady && (delivered >= initialCount || entry.delta === 0)) await markReady();
    }
  })();

  return {
    ready,
    async stop() {
      iter.stop();
      await loop.catch(() => undefined);
      if (!isReady) resolveReady();
    },
  };
}

/**
 * How many entries make up the watched keys' state when the watch starts: the watch's own
 * consumer's pending count at creation. Ready is signalled once that many entries are delivered,
 * or at once when it is 0.
 *
 * nats.js has no public way to learn this; checked in @nats-io/kv and @nats-io/jetstream 3.4.0
 * (typings, kv.js, README):
 * - `KvWatchOptions` has no "initial state delivered" callback or marker entry (nats.deno's
 *   `initializedFn` did not carry over, unlike Go's nil entry).
 * - `KvWatchEntry.isUpdate` comes from this same count but turns true one entry early: the last
 *   entry of the state already reads `isUpdate: true`, so it cannot tell the end of the state
 *   from the first update.
 * - `entry.delta` (pending after the entry) reaches 0 on the last entry of the state, but an empty
 *   state delivers no entry, so nothing would ever signal ready (nats-io/nats.js#270).
 * - The iterator's `getPending()`/`getProcessed()`/`getReceived()` count the client's own queue,
 *   not what the server still has to deliver.
 * - `kv.status()` counts the whole stream, not the watched keys (a filtered watch whose keys are
 *   empty in a non-empty bucket would wait for a write), and is a second request that races the
 *   watch.
 * So this reads `_data`, where `kv.watch()` keeps its ordered push consumer, and calls its public
 * `info(true)`, which returns the info cached from the consumer's create response without a
 * request: `num_pending` at creation, the number nats.js itself counts `isUpdate` against. It is
 * right for an empty bucket, for buckets with history (the watch delivers the last entry per
 * key, DEL and PURGE markers included, and the server counts exactly those), for key filters, and
 * for each `include` mode: watchBucket uses the default (last values); `AllHistory` counts every
 * revision, as it delivers them; `UpdatesOnly` counts 0 and is ready at once. It would be wrong
 * with `ignoreDeletes`, which drops entries after they were counted; watchBucket never sets it.
 *
 * If a nats.js upgrade moves the consumer, this throws rather than guess: guessing 0 would signal
 * ready before the state arrives, and a consumer of the bucket (the sds-server) would serve an
 * empty world.
 */
async function initialStateSize(iter: Awaited<ReturnType<KV['watch']>>): Promise<number> {
  const consumer = (
    iter as unknown as { _data?: { info?(cached: boolean): Promise<{ num_pending?: number }> } }
  )._data;
  const info = typeof consumer?.info === 'function' ? await consumer.info(true) : undefined;
  if (typeof info?.num_pending !== 'number') {
    iter.stop();
    throw new Error(
      'kv watch: the nats.js watch iterator no longer exposes its consumer (_data.info); ' +
        'libs/messaging/src/kv-watcher.ts needs another way to know when the initial state is delivered',
    );
  }
  return info.num_pending;
}
