import type { INestMicroservice } from '@nestjs/common';
import { bootCaModule } from './testing/ca-test-fixture.js';
import {
  createThrowawayDatabase,
  privateNats,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';

// The ca's /readyz follows the NATS connection its commands arrive on: a private nats-server that
// the test stops, while Postgres stays up.
let nats: PrivateNats | undefined;
let db: ThrowawayDatabase;
let app: INestMicroservice;
let ops: string;

interface Readiness {
  status: number;
  body: { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
}

async function readyz(): Promise<Readiness> {
  const res = await fetch(`${ops}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness['body'] };
}

beforeAll(async () => {
  nats = await privateNats('keyway-ca-nats');
  db = await createThrowawayDatabase('keyway_ca_ready');
  let opsPort: number;
  ({ app, opsPort } = await bootCaModule({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    // Another loopback address than the one clients dial by default: the ops server must bind OPS_HOST.
    OPS_HOST: '127.0.0.2',
  }));
  ops = `http://127.0.0.2:${opsPort}`;
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
  await db?.drop();
}, 30_000);

describe('ca readiness', () => {
  it('listens on OPS_HOST only', async () => {
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    await expect(fetch(`${ops.replace('127.0.0.2', '127.0.0.1')}/healthz`)).rejects.toThrow();
  });

  it('is ready with Postgres and NATS up, and answers 503 naming NATS once NATS is unreachable', async () => {
    const up = await readyz();
    expect(up.status).toBe(200);
    expect(up.body.checks).toMatchObject({ postgres: { ok: true }, nats: { ok: true } });

    await nats!.stop();
    nats = undefined;
    const down = await waitFor(
      async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      },
      { what: 'the ca to report NATS unavailable', timeoutMs: 15_000 },
    );
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.nats).toMatchObject({ ok: false });
    expect(down.body.checks.postgres).toEqual({ ok: true });
    // Liveness is the process only: a NATS outage is not a reason to restart the ca.
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
  }, 30_000);
});
