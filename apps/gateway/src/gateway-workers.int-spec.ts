import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { allEnv } from '#keyway/config';
import { freePort } from '#keyway/infra';
import { waitFor } from '#keyway/testing';
import * as R from './testing/envoy-resources.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from './testing/openssl-pki.js';
import { SnapshotAdsServer } from './testing/snapshot-ads-server.js';
import { tlsHandshake } from './testing/tls-handshake.js';
import { UpstreamServer } from './testing/upstream-server.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';
const SECRET = 'kubernetes://httpbin-credential';
const TOKEN = 'istio-system-bootstrap-token';
const HOST = 'httpbin.example.com';
const LISTENER = '0.0.0.0_8443';
/** Workers are forked from the built main module, as in production (npm run build first). */
const MAIN = path.resolve('dist/apps/gateway/src/main.js');

describe('gateway with GATEWAY_WORKERS=2', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let v1: IssuedCertificate;
  let v2: IssuedCertificate;
  let ads: SnapshotAdsServer;
  let gateway: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let port: number;
  let adminPort: number;
  let output = '';
  const upstream = new UpstreamServer('httpbin');

  const admin = async (p: string) => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${p}`);
    return { status: res.status, text: await res.text() };
  };
  /** Connections each worker accepted so far (keyway_gateway_worker_downstream_cx_total). */
  const perWorker = async (): Promise<number[]> => {
    const counts: number[] = [];
    const text = (await admin('/stats')).text;
    for (const m of text.matchAll(/^keyway_gateway_worker_downstream_cx_total\{([^}]*)\} (\d+)$/gm)) {
      if (!m[1].includes(`listener="${LISTENER}"`)) continue;
      counts[Number(/worker="(\d+)"/.exec(m[1])![1])] = Number(m[2]);
    }
    return counts;
  };
  const handshake = (session?: Buffer) =>
    tlsHandshake({ port, servername: HOST, ca: ca.certificate, session });
  const many = (n: number, session?: Buffer) =>
    Promise.all(Array.from({ length: n }, () => handshake(session)));
  const delta = (before: number[], after: number[]) => after.map((n, i) => n - (before[i] ?? 0));
  /**
   * Runs batches until every worker accepted some of their connections (the kernel, not keyway, picks
   * the worker for each, so one batch can land on one worker alone); returns every batch's results.
   */
  const onEveryWorker = async <T>(batch: () => Promise<T[]>, rounds = 10): Promise<T[]> => {
    const before = await perWorker();
    const results: T[] = [];
    for (let i = 0; i < rounds; i++) {
      results.push(...(await batch()));
      const spread = delta(before, await perWorker());
      if (spread.length === 2 && Math.min(...spread) > 0) return results;
    }
    throw new Error(`${rounds} batches did not reach both workers`);
  };

  beforeAll(async () => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build`);
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    v1 = await pki.issue(ca, 'httpbin-v1', { sans: [`DNS:${HOST}`], usage: 'server' });
    v2 = await pki.issue(ca, 'httpbin-v2', { sans: [`DNS:${HOST}`], usage: 'server' });
    await upstream.start();
    ads = new SnapshotAdsServer(TOKEN);
    const adsPort = await ads.start();
    ads.set(TypeUrl.Cluster, 'c1', [R.staticCluster(CLUSTER, [['127.0.0.1', upstream.port]])]);
    ads.set(TypeUrl.Listener, 'l1', [
      R.listener(LISTENER, 443, [
        R.tlsChain({ serverNames: [HOST], secret: SECRET, mode: 'SIMPLE', routeName: ROUTES }),
      ]),
    ]);
    ads.set(TypeUrl.RouteConfiguration, 'r1', [
      R.routeConfiguration(ROUTES, [
        R.virtualHost('httpbin', [HOST, `${HOST}:*`], [R.routeTo('/', CLUSTER)]),
      ]),
    ]);
    ads.set(TypeUrl.Secret, 's1', [
      R.tlsCertificateSecret(SECRET, v1.certificateChain, v1.privateKey.reveal()),
    ]);
    port = await freePort();
    adminPort = await freePort();
    gateway = spawn(process.execPath, [MAIN], {
      env: {
        ...allEnv(),
        XDS_ADDRESS: `127.0.0.1:${adsPort}`,
        XDS_TOKEN: TOKEN,
        OPS_PORT: String(adminPort),
        GATEWAY_PORT_MAP: `443:${port}`,
        GATEWAY_BIND_ADDRESS: '127.0.0.1',
        GATEWAY_WORKERS: '2',
        GATEWAY_ADMIN_QUERY_TIMEOUT_MS: '500',
        XDS_BACKOFF_INITIAL_MS: '20',
        XDS_BACKOFF_MAX_MS: '100',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (c) => (output += c));
    gateway.stderr!.on('data', (c) => (output += c));
    exited = new Promise((resolve) => gateway.once('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(
      async () => {
        if (gateway.exitCode !== null) throw new Error(`gateway exited ${gateway.exitCode}: ${output}`);
        return (await admin('/ready').catch(() => ({ status: 0 }))).status === 200 || undefined;
      },
      { timeoutMs: 30_000, what: 'the gateway /ready LIVE' },
    );
  });

  afterAll(async () => {
    if (gateway?.exitCode === null && gateway.signalCode === null) {
      gateway.kill('SIGTERM');
      await exited;
    }
    await ads?.stop();
    await upstream.stop();
    await pki?.cleanup();
  });

  it('holds one ADS stream for the whole process and ACKs each type once every worker applied it', async () => {
    expect(ads.streamsOpened).toBe(1);
    expect(ads.nodes).toHaveLength(1);
    await waitFor(() => ads.verdicts.length >= 4, { what: 'four verdicts' });
    expect(ads.verdicts.filter((v) => v.error)).toEqual([]);
    expect(ads.verdicts.map((v) => `${v.typeUrl}@${v.version}`).sort()).toEqual(
      [
        `${TypeUrl.Cluster}@c1`,
        `${TypeUrl.Listener}@l1`,
        `${TypeUrl.RouteConfiguration}@r1`,
        `${TypeUrl.Secret}@s1`,
      ].sort(),
    );
  });

  it('spreads connections over both workers, each serving the routes', async () => {
    const before = await perWorker();
    const served = await Promise.all(
      Array.from(
        { length: 48 },
        () =>
          new Promise<number>((resolve, reject) =>
            https
              .get(
                {
                  host: '127.0.0.1',
                  port,
                  path: '/get',
                  servername: HOST,
                  ca: ca.certificate,
                  agent: false,
                  headers: { host: HOST },
                },
                (res) => (res.resume(), resolve(res.statusCode ?? 0)),
              )
              .on('error', reject),
          ),
      ),
    );
    expect(new Set(served)).toEqual(new Set([200]));
    const spread = delta(before, await perWorker());
    expect(spread).toHaveLength(2);
    expect(spread.reduce((a, n) => a + n, 0)).toBe(48);
    expect(Math.min(...spread)).toBeGreaterThan(0);
  });

  it('serves a rotated certificate from every worker once the rotation is ACKed', async () => {
    ads.set(TypeUrl.Secret, 's2', [
      R.tlsCertificateSecret(SECRET, v2.certificateChain, v2.privateKey.reveal()),
    ]);
    await waitFor(() => ads.verdicts.find((v) => v.version === 's2'), {
      timeoutMs: 10_000,
      what: 'the verdict on s2',
    });
    expect(ads.verdicts.find((v) => v.version === 's2')?.error).toBeUndefined();
    const seen = (await onEveryWorker(async () => [...(await many(32)), ...(await many(32))])).map(
      (h) => h.cn,
    );
    expect(new Set(seen)).toEqual(new Set(['httpbin-v2']));
  });

  it('resumes a TLS session on either worker (the ticket keys are shared)', async () => {
    const first = await handshake();
    expect(first.reused).toBe(false);
    const returning = await onEveryWorker(() => many(32, first.session));
    expect(returning.every((h) => h.reused)).toBe(true);
  });

  it('reports the whole gateway on the admin port', async () => {
    const dump = JSON.parse((await admin('/config_dump')).text);
    expect(dump.workers).toEqual([
      { index: 0, pid: expect.any(Number), ready: true },
      { index: 1, pid: expect.any(Number), ready: true },
    ]);
    expect(dump.listeners.state).toEqual([expect.objectContaining({ name: LISTENER, state: 'active' })]);
    expect(dump.secrets).toEqual([expect.objectContaining({ name: SECRET, version: 's2' })]);
    expect(dump.xds.find((s: { typeUrl: string }) => s.typeUrl === TypeUrl.Secret)).toMatchObject({
      ackedVersion: 's2',
    });
    const certs = JSON.parse((await admin('/certs')).text);
    expect(certs.certificates[0].subject).toMatch(/CN=httpbin-v2/);
    const stats = (await admin('/stats')).text;
    const total = Number(
      new RegExp(`^keyway_gateway_downstream_cx_total\\{listener="${LISTENER}"[^}]*\\} (\\d+)$`, 'm').exec(
        stats,
      )![1],
    );
    const counted = await perWorker();
    expect(total).toBe(counted.reduce((a, n) => a + n, 0));
    const { workers } = JSON.parse((await admin('/workers')).text);
    expect(workers.map((w: { connections: number }) => w.connections)).toEqual(counted);
    expect(stats).toMatch(/^keyway_gateway_xds_update_total\{type="sds",result="ack"[^}]*\} 2$/m);
    expect((await admin('/readyz')).status).toBe(200);
  });

  it('answers its admin routes promptly while a worker hangs, naming the worker that did not answer', async () => {
    const dump = JSON.parse((await admin('/config_dump')).text);
    const [first, second] = dump.workers.map((w: { pid: number }) => w.pid);
    const timed = async (p: string) => {
      const t0 = performance.now();
      const r = await admin(p);
      return { ...r, ms: performance.now() - t0 };
    };
    for (const [hung, other] of [
      [second, first],
      [first, second],
    ]) {
      process.kill(hung, 'SIGSTOP');
      try {
        const workers = await timed('/workers');
        expect(workers.status).toBe(200);
        expect(workers.ms).toBeLessThan(3000);
        const report = JSON.parse(workers.text).workers;
        expect(report.find((w: { pid: number }) => w.pid === hung)).toMatchObject({
          answered: false,
          error: 'no answer within 500 ms',
        });
        expect(report.find((w: { pid: number }) => w.pid === other)).toMatchObject({ answered: true });
        const stats = await timed('/stats');
        expect(stats.status).toBe(200);
        expect(stats.ms).toBeLessThan(3000);
        // Every worker holds the same configuration: another one answers for the hung one.
        for (const route of ['/config_dump', '/certs']) {
          const r = await timed(route);
          expect(r.status).toBe(200);
          expect(r.ms).toBeLessThan(3000);
        }
      } finally {
        process.kill(hung, 'SIGCONT');
      }
    }
    // Late answers are dropped; the next questions are answered by both.
    const { workers } = JSON.parse((await admin('/workers')).text);
    expect(workers.map((w: { answered: boolean }) => w.answered)).toEqual([true, true]);
  });

  it('goes down with a worker it lost, as the one process it is', async () => {
    const dump = JSON.parse((await admin('/config_dump')).text);
    process.kill(dump.workers[1].pid, 'SIGKILL');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = await Promise.race([
      exited,
      new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), 10_000))),
    ]);
    clearTimeout(timer);
    expect(end).not.toBe('running');
    expect(end).not.toEqual({ code: 0, signal: null });
  });
});
