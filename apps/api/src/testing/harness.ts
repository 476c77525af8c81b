import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { ensureNats, type RunningService } from '#keyway/infra';

/**
 * A NATS server of the test's own on a free port: the fake responders must be the only ones
 * answering the service subjects, and other test files run the real services on the shared NATS.
 */
export async function privateNats(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-api-nats-'));
  const nats: RunningService = await ensureNats(`nats://127.0.0.1:${port}`, dir, () => undefined);
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      await nats.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
