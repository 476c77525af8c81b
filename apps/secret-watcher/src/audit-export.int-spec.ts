/**
 * Issue #15.5: the audit log streamed to an audit device in commit order, at least once, with a
 * durable cursor; fail closed when the device is required. Real syslog receivers (libs/testing) on
 * 127.0.0.1, real Postgres and NATS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Streams, Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import {
  createThrowawayDatabase,
  startSyslogReceiver,
  testDataKeys,
  waitFor,
  type SyslogReceiver,
} from '#keyway/testing';
import {
  Commands,
  applyRequest,
  bootService,
  leafFor,
  privateNats,
  testCa,
  tlsManifest,
  type BootedService,
} from './testing/harness.js';

const dataKeys = testDataKeys();
const keyring = Keyring.parse(dataKeys);
const ca = testCa();
let nats: { url: string; stop(): Promise<void> };
let commands: Commands;

beforeAll(async () => {
  nats = await privateNats();
  commands = new Commands(nats.url);
}, 30_000);

afterAll(async () => {
  await commands?.close();
  await nats?.stop();
});

/** Each test its own database, so cursors and ids start afresh. */
async function withService(
  env: Record<string, string>,
  body: (ctx: { boot(): Promise<BootedService> }) => Promise<void>,
): Promise<void> {
  const db = await createThrowawayDatabase('keyway_sw_export');
  const booted: BootedService[] = [];
  const boot = async () => {
    const s = await bootService({
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      ...env,
    });
    booted.push(s);
    return s;
  };
  try {
    await body({ boot });
  } finally {
    for (const s of booted) await s.close().catch(() => undefined);
    await db.drop();
  }
}

const applyReply = (ns: string, name: string) =>
  commands.send<any>(
    Subjects.secrets.apply,
    applyRequest(keyring, tlsManifest(ns, name, leafFor(ca, `${name}.example.com`))),
  );

/** An apply that must be accepted: its error, if any, is the test's failure message. */
const apply = async (ns: string, name: string) => {
  const r = await applyReply(ns, name);
  if (!r.ok) throw new Error(`apply ${ns}/${name}: ${JSON.stringify(r.error)}`);
  return r;
};

it('a rotation reaches a syslog receiver over TCP in commit order, once each, across a receiver restart and a service restart', async () => {
  let receiver = await startSyslogReceiver('tcp');
  const port = receiver.port;
  const received: SyslogReceiver['messages'] = [];
  try {
    await withService(
      { AUDIT_SINK: `syslog+tcp://127.0.0.1:${port}`, AUDIT_SINK_POLL_MS: '100' },
      async ({ boot }) => {
        const service = await boot();
        expect(await apply('rot', 'web')).toMatchObject({ ok: true });
        expect(await apply('rot', 'web')).toMatchObject({ ok: true });
        await waitFor(() => receiver.messages.length === 2, { timeoutMs: 10_000 });
        // The receiver restarts: what commits meanwhile is sent once it is back.
        await receiver.stop();
        received.push(...receiver.messages);
        expect(await apply('rot', 'web')).toMatchObject({ ok: true });
        await new Promise((r) => setTimeout(r, 500));
        receiver = await startSyslogReceiver('tcp', port);
        await waitFor(() => receiver.messages.length >= 1, { timeoutMs: 10_000 });
        // The service restarts: the cursor in Postgres says where it was.
        await service.close();
        await boot();
        expect(await apply('rot', 'web')).toMatchObject({ ok: true });
        await waitFor(() => receiver.messages.some((m) => m.body.revision === 4), { timeoutMs: 10_000 });
        // Anything sent twice would have arrived by now.
        await new Promise((r) => setTimeout(r, 500));
      },
    );
  } finally {
    received.push(...receiver.messages);
    await receiver.stop();
  }
  expect(received.map((m) => `${m.body.name}#${m.body.revision}`)).toEqual([
    'web#1',
    'web#2',
    'web#3',
    'web#4',
  ]);
  expect(new Set(received.map((m) => m.body.id)).size).toBe(4);
  // RFC 5424: facility auth (4), informational (6); the kind as MSGID; never key material.
  expect(received[0]).toMatchObject({ pri: 38, appName: 'keyway', msgId: 'credential-version' });
  expect(received[0]!.body).toMatchObject({
    writer: 'secret-watcher',
    kind: 'credential-version',
    namespace: 'rot',
    action: 'created',
    actor: expect.stringContaining('alice'),
    rowHash: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(received.map((m) => m.raw).join('\n')).not.toMatch(/PRIVATE KEY/);
}, 90_000);

it('UDP, a file and a NATS subject get the same events', async () => {
  const udp = await startSyslogReceiver('udp');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-sink-'));
  const file = path.join(dir, 'audit.jsonl');
  try {
    await withService(
      { AUDIT_SINK: `syslog+udp://127.0.0.1:${udp.port}?facility=local0` },
      async ({ boot }) => {
        await boot();
        const first = await apply('udp', 'web');
        expect(first).toMatchObject({ ok: true });
        await waitFor(() => udp.messages.length === 1, { timeoutMs: 10_000 });
        expect(udp.messages[0]).toMatchObject({ pri: 16 * 8 + 6, body: { namespace: 'udp', revision: 1 } });
      },
    );
    await withService({ AUDIT_SINK: `file:${file}` }, async ({ boot }) => {
      await boot();
      expect(await apply('file', 'web')).toMatchObject({ ok: true });
      expect(await apply('file', 'api')).toMatchObject({ ok: true });
      await waitFor(
        () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim().split('\n').length === 2,
        { timeoutMs: 10_000 },
      );
      const lines = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => `${l.name}#${l.revision}`)).toEqual(['web#1', 'api#1']);
    });
    await withService({ AUDIT_SINK: 'nats:keyway.audit.export.siem' }, async ({ boot }) => {
      await boot();
      expect(await apply('jet', 'web')).toMatchObject({ ok: true });
      const nc = await connect({ servers: nats.url });
      try {
        // The exporter provisions the stream with its first write, after the apply answered.
        const consumer = await waitFor(() => jetstream(nc).consumers.get(Streams.auditExport.name), {
          timeoutMs: 10_000,
        });
        const m = await waitFor(async () => (await consumer.next({ expires: 1000 })) ?? undefined, {
          timeoutMs: 10_000,
        });
        expect(m!.json()).toMatchObject({ namespace: 'jet', name: 'web', revision: 1 });
        expect(m!.headers?.get('Nats-Msg-Id')).toMatch(/^secret-watcher:\d+$/);
      } finally {
        await nc.close();
      }
    });
  } finally {
    await udp.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);

it('fail closed: while a required sink cannot be written, new versions wait, then commit and are exported', async () => {
  const probe = await startSyslogReceiver('tcp');
  const port = probe.port;
  await probe.stop();
  await withService(
    {
      AUDIT_SINK: `syslog+tcp://127.0.0.1:${port}`,
      AUDIT_SINK_REQUIRED: 'true',
      AUDIT_SINK_POLL_MS: '100',
      SECRET_APPLY_WAIT_MS: '1500',
    },
    async ({ boot }) => {
      const service = await boot();
      await waitFor(() => !service.runtime.exporter!.writable(), { timeoutMs: 10_000 });
      const r = await applyReply('closed', 'web');
      expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      const rows = async () =>
        Number(
          (
            (await service.runtime.ds.query(`SELECT count(*) AS n FROM audit_log`)) as Array<{ n: string }>
          )[0]!.n,
        );
      expect(await rows()).toBe(0);
      // The device comes back: the version that waited commits, and reaches it.
      const receiver = await startSyslogReceiver('tcp', port);
      try {
        await waitFor(() => receiver.messages.length === 1, { timeoutMs: 15_000 });
        expect(await rows()).toBe(1);
        expect(receiver.messages[0]!.body).toMatchObject({ namespace: 'closed', name: 'web', revision: 1 });
      } finally {
        await receiver.stop();
      }
    },
  );
}, 90_000);
