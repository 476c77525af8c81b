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
  const iter = await kv.watch({ key: options.key ?? '>' });
  // The watcher's consumer knows how many entries made up the state when it was created.
  const consumer = (
    iter as unknown as { _data?: { info(cached: boolean): Promise<{ num_pending: number }> } }
  )._data;
  const initialCount = consumer ? (await consumer.info(true)).num_pending : 0;
  let delivered = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  let isReady = false;
  const markReady = async () => {
    if (isReady) return;
    isReady = true;
    await handlers.onReady?.();
    resolveReady();
  };
  if (initialCount === 0) await markReady();

  const loop = (async () => {
    for await (const entry of iter as AsyncIterable<KvWatchEntry>) {
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
      delivered++;
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
