import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger } from '#keyway/observability';
import {
  createThrowawayDatabase,
  privateNats,
  startSyslogReceiver,
  testDataKeys,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import { apiConfig } from '../config.js';
import { bootApi } from '../testing/harness.js';

// The api's request log on a required audit device (#15.5): while the device cannot be written the
// api answers 503 and serves nothing; once it is back, requests are served and each one arrives.
const ADMIN = `admin-${'d'.repeat(24)}`;
let nats: PrivateNats;
let db: ThrowawayDatabase;
let app: NestExpressApplication;
let base: string;
let port: number;

beforeAll(async () => {
  nats = await privateNats('keyway-api-device-nats');
  db = await createThrowawayDatabase('keyway_api_device');
  const probe = await startSyslogReceiver('tcp');
  port = probe.port;
  await probe.stop();
  const config = apiConfig.load({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    KEYWAY_DATA_KEYS: testDataKeys(),
    KEYWAY_ADMIN_TOKEN: ADMIN,
    HTTP_PORT: '0',
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    AUDIT_SINK: `syslog+tcp://127.0.0.1:${port}`,
    AUDIT_SINK_REQUIRED: 'true',
    AUDIT_SINK_POLL_MS: '100',
  });
  ({ app, base } = await bootApi(config, createLogger({ service: 'api', level: 'silent', format: 'json' })));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
  await db?.drop();
});

const teams = () => fetch(`${base}/v1/teams`, { headers: { authorization: `Bearer ${ADMIN}` } });

it('refuses every request while the required device is down, then serves and records each', async () => {
  const refused = await waitFor(
    async () => {
      const r = await teams();
      return r.status === 503 ? ((await r.json()) as { message: string }) : undefined;
    },
    { timeoutMs: 10_000 },
  );
  expect(refused.message).toMatch(
    new RegExp(`audit device cannot be written: syslog\\+tcp://127.0.0.1:${port}`),
  );
  const receiver = await startSyslogReceiver('tcp', port);
  try {
    await waitFor(async () => (await teams()).status === 200, { timeoutMs: 15_000 });
    await waitFor(
      () =>
        receiver.messages.some(
          (m) => m.body.kind === 'api-request' && m.body.status === 200 && m.body.path === '/v1/teams',
        ),
      { timeoutMs: 10_000 },
    );
    const ids = receiver.messages.map((m) => Number(String(m.body.id).slice('api:'.length)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  } finally {
    await receiver.stop();
  }
}, 60_000);
