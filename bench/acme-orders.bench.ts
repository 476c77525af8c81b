/**
 * ACME orders completed per second, from newOrder to the downloaded certificate, with http-01
 * validation, against the whole suite on this machine (issue #20, target >= 200/s). Each order:
 * newOrder (the ca checks the team policy), read the authorization, answer http-01 (the api fetches
 * the key authorization from this process's HTTP server), read the authorization until valid
 * (waiting what Retry-After says while it is pending), finalize with a P-256 CSR (the ca signs and records it), download the chain: 6+ signed
 * requests. `concurrency` orders are kept in flight by `accounts` accounts. The same-run baseline
 * is `POST /v1/ca/sign` through the api at the same concurrency: the issuance alone.
 * Usage: acme-orders.bench.js [seconds=10] [concurrency=256] [accounts=16] [acmePool=30]
 */
import os from 'node:os';
import { createCsr, generateKeyPair } from '#keyway/pki';
import { RawAcmeClient, startAcmeSuite, startHttp01Responder, WEB_DOMAIN } from '#keyway/testing';
import { percentile, reportBench, round } from './lib/report.js';
import { processCpuSeconds } from './lib/suite.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CONCURRENCY = Number(process.argv[3] ?? 256);
const ACCOUNTS = Number(process.argv[4] ?? 16);
/** The api's ACME Postgres pool (ACME_DATABASE_POOL_SIZE). */
const ACME_POOL = Number(process.argv[5] ?? 30);
const TARGET_PER_SECOND = 200;

const s = await startAcmeSuite('keyway-bench-acme', {
  api: {
    // A load generator from one address: the per-account and per-token limits would be the figure.
    ACME_RATE_LIMIT_PER_SECOND: '1000000',
    ACME_RATE_LIMIT_BURST: '1000000',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    ACME_DATABASE_POOL_SIZE: String(ACME_POOL),
  },
});
const tokens = new Map<string, string>();
const responder = await startHttp01Responder(s.http01Port, tokens);
const keyPair = generateKeyPair('ecdsa-p256');
const csrOf = (host: string) =>
  Buffer.from(
    createCsr({ subject: { commonName: host }, sans: { dns: [host] }, keyPair })
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, ''),
    'base64',
  ).toString('base64url');

let n = 0;
let requests = 0;
let polls = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function oneOrder(c: RawAcmeClient): Promise<void> {
  const host = `o${n++}.${WEB_DOMAIN}`;
  const post = async (url: string, payload: unknown, want: number) => {
    requests++;
    const r = await c.post(url, payload);
    if (r.status !== want)
      throw new Error(`${url}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r;
  };
  const order = await post(c.directory.newOrder, { identifiers: [{ type: 'dns', value: host }] }, 201);
  const authzUrl: string = order.body.authorizations[0];
  const authz = await post(authzUrl, '', 200);
  const challenge = authz.body.challenges.find((x: { type: string }) => x.type === 'http-01');
  tokens.set(challenge.token, c.keyAuthorization(challenge.token));
  await post(challenge.url, {}, 200);
  // As clients do: read the authorization, and while it is pending wait what Retry-After says.
  for (;;) {
    const a = await post(authzUrl, '', 200);
    if (a.body.status === 'valid') break;
    if (a.body.status !== 'pending')
      throw new Error(`authorization ${a.body.status}: ${JSON.stringify(a.body)}`);
    polls++;
    await sleep(Number(a.headers.get('retry-after') ?? 1) * 1000);
  }
  tokens.delete(challenge.token);
  const done = await post(order.body.finalize, { csr: csrOf(host) }, 200);
  if (done.body.status !== 'valid') throw new Error(`order ${done.body.status}`);
  const chain = await post(done.body.certificate, '', 200);
  if (!String(chain.body).startsWith('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate chain');
}

async function runFor(
  seconds: number,
  one: (worker: number) => Promise<void>,
): Promise<{ perSecond: number; count: number; latencies: number[] }> {
  const latencies: number[] = [];
  let count = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await one(worker);
        latencies.push(performance.now() - t);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: round(count / elapsed, 1), count, latencies };
}

try {
  const clients: RawAcmeClient[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const c = await new RawAcmeClient(s.directoryUrl).start();
    const r = await c.register(await s.eab('web'));
    if (r.status !== 201) throw new Error(`newAccount: ${r.status} ${JSON.stringify(r.body)}`);
    clients.push(c);
  }
  // Warm up (JIT, connection pools), then measure.
  await runFor(2, (w) => oneOrder(clients[w % ACCOUNTS]));
  requests = 0;
  polls = 0;
  // CPU each process spent in the window: what an order costs, whatever else shares the machine.
  const pidOf = (name: string) => s.w.suite.processes.find((p) => p.name === name)!.child.pid!;
  const watched = { api: pidOf('api'), ca: pidOf('ca'), client: process.pid };
  const cpuBefore = Object.fromEntries(
    Object.entries(watched).map(([k, pid]) => [k, processCpuSeconds(pid)]),
  );
  const acme = await runFor(SECONDS, (w) => oneOrder(clients[w % ACCOUNTS]));
  const cpuMsPerOrder = Object.fromEntries(
    Object.entries(watched).map(([k, pid]) => [
      k,
      round(((processCpuSeconds(pid) - cpuBefore[k]) * 1000) / acme.count, 2),
    ]),
  );
  const requestsPerOrder = round(requests / acme.count, 2);

  // Baseline: the same certificates through /v1/ca/sign (PEM CSR, admin token naming team web).
  let m = 0;
  const signOne = async () => {
    const host = `s${m++}.${WEB_DOMAIN}`;
    const csrPem = createCsr({ subject: { commonName: host }, sans: { dns: [host] }, keyPair });
    const r = await s.api('/v1/ca/sign', {
      method: 'POST',
      body: JSON.stringify({ issuer: 'acme-int', csrPem, team: 'web' }),
    });
    if (r.status !== 200) throw new Error(`/v1/ca/sign: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  };
  await runFor(1, signOne);
  const apiCpuBeforeSign = processCpuSeconds(watched.api);
  const sign = await runFor(SECONDS, signOne);
  const apiCpuMsPerSign = round(((processCpuSeconds(watched.api) - apiCpuBeforeSign) * 1000) / sign.count, 2);

  console.log(
    `  ACME orders (newOrder -> certificate, http-01) ${acme.perSecond}/s (${acme.count} in ${SECONDS} s)`,
  );
  console.log(`  POST /v1/ca/sign (same CSRs, same concurrency)  ${sign.perSecond}/s`);
  reportBench({
    name: 'acme-orders',
    figures: {
      ordersPerSecond: acme.perSecond,
      orders: acme.count,
      orderP50Ms: round(percentile(acme.latencies, 50), 1),
      orderP99Ms: round(percentile(acme.latencies, 99), 1),
      requestsPerOrder,
      cpuMsPerOrder,
      caSignPerSecond: sign.perSecond,
      caSignP50Ms: round(percentile(sign.latencies, 50), 1),
      apiCpuMsPerSign,
      ordersVsSign: round(acme.perSecond / sign.perSecond, 3),
      concurrency: CONCURRENCY,
      accounts: ACCOUNTS,
      acmeDatabasePoolSize: ACME_POOL,
      seconds: SECONDS,
      pendingAuthorizationReadsPerOrder: round(polls / acme.count, 3),
      targets: { ordersPerSecond: TARGET_PER_SECOND },
      // Every process (suite, Postgres, NATS, this client) shares the machine's cores.
      loadAverage1mAtEnd: round(os.loadavg()[0], 2),
    },
    summary:
      `${acme.perSecond} ACME orders/s newOrder->certificate with http-01 (target ${TARGET_PER_SECOND}), ` +
      `p50 ${round(percentile(acme.latencies, 50), 0)} ms, ${requestsPerOrder} requests/order; ` +
      `same-run baseline POST /v1/ca/sign ${sign.perSecond}/s; CPU per order: api ${cpuMsPerOrder.api} ms, ` +
      `ca ${cpuMsPerOrder.ca} ms, client ${cpuMsPerOrder.client} ms; ${CONCURRENCY} in flight, ` +
      `${os.cpus().length} cores, load ${round(os.loadavg()[0], 1)}`,
  });
} finally {
  await new Promise<void>((r) => responder.close(() => r()));
  await s.stop();
}
