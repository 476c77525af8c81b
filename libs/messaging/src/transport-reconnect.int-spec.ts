import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureNats, freePort, type RunningService } from '#keyway/infra';
import { waitFor } from '#keyway/testing';
import { CommandClient, natsTransportHealth, natsTransportServer } from './command-client.js';

// An outage longer than nats.js's default of 10 reconnect attempts (at 250 ms apart, about 3 s):
// the command transports must come back by themselves once NATS does.
const OUTAGE_MS = 5_000;

describe('Nest NATS transports survive a NATS outage', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-reconnect-'));
  let url: string;
  let nats: RunningService | undefined;

  beforeAll(async () => {
    url = `nats://127.0.0.1:${await freePort()}`;
    nats = await ensureNats(url, dir, () => undefined);
  });
  afterAll(async () => {
    await nats?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a server and a client answer commands again after NATS was down for 5 s', async () => {
    const server = natsTransportServer({ url, queue: 'reconnect-test' });
    server.addHandler('keyway.test.ping', async (data: unknown) => ({ ok: true, result: data }));
    await new Promise<void>((resolve, reject) => {
      server.listen((err?: unknown) => (err ? reject(err) : resolve())).catch(reject);
    });
    const client = new CommandClient({ url, timeoutMs: 2_000 });
    try {
      await client.connect();
      expect(await client.send('keyway.test.ping', { n: 1 })).toEqual({ ok: true, result: { n: 1 } });

      await nats!.stop();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      expect((await natsTransportHealth(server)).ok).toBe(false);
      nats = await ensureNats(url, dir, () => undefined);

      await waitFor(async () => (await natsTransportHealth(server)).ok, {
        timeoutMs: 10_000,
        what: 'the server transport to reconnect',
      });
      const reply = await waitFor(
        async () => {
          const r = await client.send('keyway.test.ping', { n: 2 });
          return r.ok ? r : undefined;
        },
        { timeoutMs: 10_000, what: 'a command round trip after the outage' },
      );
      expect(reply).toEqual({ ok: true, result: { n: 2 } });
    } finally {
      await client.close();
      await server.close();
    }
  }, 40_000);
});
