/**
 * Active-standby with real processes: two compiled secret-watchers share one NATS and one Postgres;
 * one leads (answers commands, writes the audit log), the other waits. Killed with SIGKILL, the leader
 * is replaced within 5 s (its machine is gone: nothing restarts it), and when it comes back it waits
 * as the standby; stopped gracefully, a leader hands over at once. Prints the failover times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SECRET_APPLY_AAD, Subjects } from '#keyway/contracts';
import { freePort, startServiceProcess, waitReady, type ServiceProcess } from '#keyway/infra';
import { Keyring } from '#keyway/key-material';
import { CommandClient } from '#keyway/messaging';
import {
  createThrowawayDatabase,
  privateNats,
  startTcpProxy,
  testDataKeys,
  waitFor,
  type TcpProxy,
  type ThrowawayDatabase,
} from '#keyway/testing';
import { makeLeaf, makeRoot } from '../../libs/secrets/src/testing/certificates.js';

interface Replica {
  id: string;
  port: number;
  proc: ServiceProcess;
  log(): string;
}

describe('secret-watcher active-standby', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-ha-'));
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let commands: CommandClient;
  const replicas: Replica[] = [];
  const reports: string[] = [];

  async function start(id: string, supervised = true): Promise<Replica> {
    const port = await freePort();
    const dir = path.join(work, id);
    const proc = startServiceProcess(
      'secret-watcher',
      {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        KEYWAY_DATA_KEYS: dataKeys,
        OPS_PORT: String(port),
        REPLICA_ID: id,
        LOG_LEVEL: 'info',
      },
      dir,
      process.cwd(),
      supervised ? { report: (line) => reports.push(line) } : undefined,
    );
    const r = { id, port, proc, log: () => fs.readFileSync(proc.logFile, 'utf8') };
    replicas.push(r);
    return r;
  }

  /** Time until a command is answered (by whichever replica leads). */
  async function answeredWithin(what: string): Promise<number> {
    const since = performance.now();
    await waitFor(
      async () => {
        const reply = await commands.send(Subjects.secrets.list, { schemaVersion: 1 });
        return reply.ok ? reply : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50, what },
    );
    return performance.now() - since;
  }

  beforeAll(async () => {
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_ha');
    commands = new CommandClient({ url: nats.url, timeoutMs: 500 });
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) await r.proc.stop();
    await commands?.close();
    await nats?.stop();
    await db?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('the first replica leads, the second waits as a ready standby', async () => {
    const a = await start('replica-a', false);
    await waitReady(a.proc, `http://127.0.0.1:${a.port}/readyz`);
    const b = await start('replica-b');
    await waitReady(b.proc, `http://127.0.0.1:${b.port}/readyz`);
    await waitFor(async () => b.log().includes('standby: another replica leads') || undefined, {
      timeoutMs: 10_000,
      what: 'replica-b waiting as standby',
    });
    expect(a.log()).toMatch(/"msg":"leading"/);
    expect(b.log()).not.toMatch(/"msg":"leading"/);
    const leaf = makeLeaf(makeRoot('ha test root'), { dns: ['web.example.com'] });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const manifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web', namespace: 'ha' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(leaf.pem), 'tls.key': b64(leaf.keyPem) },
    };
    const reply = await commands.send(Subjects.secrets.apply, {
      schemaVersion: 1,
      sealedManifest: keyring.seal(JSON.stringify(manifest), SECRET_APPLY_AAD),
      actor: { kind: 'user', name: 'ha-test' },
    });
    expect(reply.ok).toBe(true);
  });

  it('SIGKILL of the leader: the standby answers within 5 s, with the record intact', async () => {
    const [a, b] = replicas;
    a.proc.child.kill('SIGKILL');
    const took = await answeredWithin('a command answered after the leader was killed');
    process.stdout.write(`failover after SIGKILL: ${Math.round(took)} ms (lease ttl 3000 ms)\n`);
    expect(took).toBeLessThan(5000);
    expect(b.log()).toMatch(/"msg":"leading"/);
    const listed = await commands.send<{ items: { name: string }[] }>(Subjects.secrets.list, {
      schemaVersion: 1,
      namespace: 'ha',
    });
    expect(listed.ok && listed.result.items.map((i) => i.name)).toEqual(['web']);
    // The killed replica's machine comes back: it finds b leading and waits.
    const again = await start('replica-a');
    await waitFor(async () => again.log().includes('"holder":"replica-b"') || undefined, {
      timeoutMs: 20_000,
      what: 'replica-a back as standby',
    });
  });

  it('a graceful stop releases the lease: the standby answers at once', async () => {
    const [, b, a] = replicas;
    const stopped = b.proc.stop();
    const took = await answeredWithin('a command answered after the leader stopped');
    await stopped;
    process.stdout.write(`failover after SIGTERM: ${Math.round(took)} ms\n`);
    expect(took).toBeLessThan(3000);
    await waitFor(async () => a.log().match(/"msg":"leading"/g)?.length === 2 || undefined, {
      timeoutMs: 5000,
      what: 'replica-a leading again',
    });
  });
});

/** The route-compiler and the ca run on the same lease code: the leader killed, the standby answers. */
describe.each<{ app: string; env: Record<string, string>; command: { subject: string; payload: object } }>([
  {
    app: 'route-compiler',
    env: {},
    command: { subject: Subjects.routing.list, payload: { schemaVersion: 1, kind: 'Gateway' } },
  },
  {
    app: 'ca',
    env: { CA_MASTER_KEYS: testDataKeys('master') },
    command: { subject: Subjects.ca.list, payload: { schemaVersion: 1 } },
  },
])('$app active-standby', ({ app, env, command }) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `keyway-ha-${app}-`));
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let commands: CommandClient;
  const procs: ServiceProcess[] = [];

  const start = async (id: string) => {
    const port = await freePort();
    const proc = startServiceProcess(
      app,
      {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        KEYWAY_DATA_KEYS: testDataKeys(),
        OPS_PORT: String(port),
        REPLICA_ID: id,
        ...env,
      },
      path.join(work, id),
    );
    procs.push(proc);
    return { proc, port, log: () => fs.readFileSync(proc.logFile, 'utf8') };
  };

  beforeAll(async () => {
    nats = await privateNats();
    db = await createThrowawayDatabase(`keyway_ha_${app.replace('-', '_')}`);
    commands = new CommandClient({ url: nats.url, timeoutMs: 500 });
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await commands?.close();
    await nats?.stop();
    await db?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('SIGKILL of the leader: the standby answers within 5 s', async () => {
    const a = await start('replica-a');
    await waitReady(a.proc, `http://127.0.0.1:${a.port}/readyz`);
    const b = await start('replica-b');
    await waitFor(async () => b.log().includes('standby: another replica leads') || undefined, {
      timeoutMs: 15_000,
      what: `${app} replica-b waiting as standby`,
    });
    expect((await commands.send(command.subject, command.payload)).ok).toBe(true);
    a.proc.child.kill('SIGKILL');
    const since = performance.now();
    await waitFor(
      async () => ((await commands.send(command.subject, command.payload)).ok ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 50, what: `${app} answering after the leader was killed` },
    );
    const took = performance.now() - since;
    process.stdout.write(`${app} failover after SIGKILL: ${Math.round(took)} ms\n`);
    expect(took).toBeLessThan(5000);
    expect(b.log()).toMatch(/"msg":"leading"/);
  });
});

/**
 * The leader cut off from Postgres (its connections go through a proxy the test closes) while the
 * standby still reaches it: the leader hands over, the standby leads and writes within 5 s.
 */
describe('secret-watcher leader partitioned from Postgres', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-ha-pg-'));
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let commands: CommandClient;
  const procs: ServiceProcess[] = [];
  let proxy: TcpProxy | undefined;
  /** Postgres through a TCP proxy: cutting it is a partition for whoever connects through it. */
  async function startProxy(target: URL): Promise<number> {
    proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    return proxy.port;
  }
  const cut = () => proxy!.cut();

  const start = async (id: string, databaseUrl: string) => {
    const port = await freePort();
    const proc = startServiceProcess(
      'secret-watcher',
      {
        NATS_URL: nats.url,
        DATABASE_URL: databaseUrl,
        KEYWAY_DATA_KEYS: dataKeys,
        OPS_PORT: String(port),
        REPLICA_ID: id,
      },
      path.join(work, id),
    );
    procs.push(proc);
    return { proc, port, log: () => fs.readFileSync(proc.logFile, 'utf8') };
  };

  beforeAll(async () => {
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_ha_pg');
    commands = new CommandClient({ url: nats.url, timeoutMs: 1000 });
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) await p.stop();
    proxy?.close();
    await commands?.close();
    await nats?.stop();
    await db?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('hands over to the standby, which then records new versions', async () => {
    const direct = new URL(db.url);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(await startProxy(direct));
    const a = await start('replica-a', viaProxy.toString());
    await waitReady(a.proc, `http://127.0.0.1:${a.port}/readyz`);
    const b = await start('replica-b', direct.toString());
    await waitFor(async () => b.log().includes('standby: another replica leads') || undefined, {
      timeoutMs: 15_000,
      what: 'replica-b waiting as standby',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const since = performance.now();
    cut();
    await waitFor(async () => /"msg":"leading"/.test(b.log()) || undefined, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'replica-b leading',
    });
    const took = performance.now() - since;
    process.stdout.write(`hand-over after the leader lost Postgres: ${Math.round(took)} ms\n`);
    expect(took).toBeLessThan(5000);
    // The old leader says why it stepped down (its log may reach the file a moment after b leads).
    await waitFor(async () => /cannot reach its store while a standby can/.test(a.log()) || undefined, {
      timeoutMs: 5000,
      what: 'replica-a saying it handed over for lack of its store',
    });
    const leaf = makeLeaf(makeRoot('ha pg root'), { dns: ['pg.example.com'] });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const manifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'after', namespace: 'ha' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(leaf.pem), 'tls.key': b64(leaf.keyPem) },
    };
    const applied = await waitFor(
      async () => {
        const r = await commands.send(Subjects.secrets.apply, {
          schemaVersion: 1,
          sealedManifest: keyring.seal(JSON.stringify(manifest), SECRET_APPLY_AAD),
          actor: { kind: 'user', name: 'ha-test' },
        });
        return r.ok ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'an apply recorded by the new leader' },
    );
    expect(applied.ok).toBe(true);
  });
});
