/**
 * Issue #15.5 for the CA: with AUDIT_SINK_REQUIRED, nothing is recorded (so nothing is issued, revoked
 * or published) while the audit device cannot be written; once it is back, records flow and arrive.
 * A real TCP syslog receiver on 127.0.0.1, the ca module on real NATS and Postgres.
 */
import type { INestMicroservice } from '@nestjs/common';
import {
  createThrowawayDatabase,
  privateNats,
  startSyslogReceiver,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import type { CaCore } from './ca-core.js';
import { admin, bootCaModule } from './testing/ca-test-fixture.js';

let nats: PrivateNats;
let db: ThrowawayDatabase;
let app: INestMicroservice;
let core: CaCore;
let port: number;

beforeAll(async () => {
  nats = await privateNats('keyway-ca-device-nats');
  db = await createThrowawayDatabase('keyway_ca_device');
  const probe = await startSyslogReceiver('tcp');
  port = probe.port;
  await probe.stop();
  ({ app, core } = await bootCaModule({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    AUDIT_SINK: `syslog+tcp://127.0.0.1:${port}`,
    AUDIT_SINK_REQUIRED: 'true',
    AUDIT_SINK_POLL_MS: '100',
  }));
  await core.authorities.createRoot({
    schemaVersion: 1,
    name: 'root',
    commonName: 'keyway device root',
    organization: 'keyway',
    keyType: 'ecdsa-p256',
    ttl: '87600h',
    actor: admin,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
  await db?.drop();
});

it('refuses to record while the required device is down, and records once it is back', async () => {
  const records = async () => (await core.verifyRecords()).checkedRows;
  await waitFor(async () => {
    try {
      await core.revocation.regenerate('root');
      return false;
    } catch (e) {
      return /audit device cannot be written/.test((e as Error).message);
    }
  });
  expect(await records()).toBe(0);
  const receiver = await startSyslogReceiver('tcp', port);
  try {
    await waitFor(
      async () => {
        try {
          await core.revocation.regenerate('root');
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 15_000 },
    );
    expect(await records()).toBe(1);
    await waitFor(() => receiver.messages.some((m) => m.body.kind === 'ca-crl'), { timeoutMs: 10_000 });
    expect(receiver.messages[0]).toMatchObject({ msgId: 'ca-crl', body: { writer: 'ca', issuer: 'root' } });
  } finally {
    await receiver.stop();
  }
}, 60_000);
