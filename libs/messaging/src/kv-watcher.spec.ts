import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { watchBucket } from './kv-watcher.js';

describe('watchBucket without the nats.js internal it relies on', () => {
  it('refuses to watch rather than signal ready before the state arrives', async () => {
    let stopped = false;
    const iterator = {
      stop: () => void (stopped = true),
      async *[Symbol.asyncIterator]() {},
    };
    const kv = { watch: async () => iterator } as unknown as KV;
    let ready = false;
    await expect(
      watchBucket(kv, z.object({}), {
        onEvent: () => undefined,
        onReady: () => void (ready = true),
      }),
    ).rejects.toThrow(/no longer exposes its consumer/);
    expect(ready).toBe(false);
    expect(stopped).toBe(true);
  });
});
