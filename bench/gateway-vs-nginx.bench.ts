/**
 * keyway's gateway beside nginx (Debian's package) and a bare Node server, with the same certificate
 * and upstream, in one run: server CPU per full TLS handshake (openssl s_time -new) and per resumed
 * one (-reuse, with a TLS 1.2 ticket: s_time cannot resume TLS 1.3), keep-alive requests per second over HTTP/1.1 (wrk, 32 connections) and HTTP/2
 * (h2load), proxied to the suite's httpbin and answered directly (`/direct`, no upstream), and the
 * gateway's scaling from 1 worker to one per CPU. nginx runs as many workers as the gateway, with
 * session tickets on as the gateway (and Envoy) has them. Every figure is measured ROUNDS times,
 * interleaved, and reported as median [min-max]; ratios are taken within a round.
 *
 * node dist/bench/gateway-vs-nginx.bench.js [seconds per measurement = 5] [rounds = 3]
 * Installs nginx, wrk and nghttp2-client from Debian's packages if missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServiceProcess, waitReady, type ServiceProcess } from '#keyway/infra';
import { waitFor } from '#keyway/testing';
import { reportBench, round } from './lib/report.js';
import { mustRun, processCpuSeconds, runProgram, startBenchSuite } from './lib/suite.js';

const HOST = 'bench.example.com';
const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
const WORKERS = os.availableParallelism();
const TARGETS = { handshakeCpu: 1.33, http1: 0.45, http2: 0.3, scaling: 1.7 };

function ensureTools(): void {
  const missing = ['nginx', 'wrk', 'h2load', 'openssl'].filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
  );
  if (missing.length === 0) return;
  const pkgs = missing.map(
    (t) => ({ nginx: 'nginx', wrk: 'wrk', h2load: 'nghttp2-client', openssl: 'openssl' })[t]!,
  );
  console.log(`installing ${pkgs.join(', ')} (apt-get)`);
  spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function nginxConfig(dir: string, port: number, upstreamPort: number, workers: number): string {
  return `worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream httpbin { server 127.0.0.1:${upstreamPort}; keepalive 1024; }
  server {
    listen 127.0.0.1:${port} ssl http2;
    server_name ${HOST};
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets on;
    ssl_session_ticket_key ${dir}/ticket.key;
    location = /direct { return 200; }
    location / {
      proxy_pass http://httpbin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;
}

interface ServerUnderTest {
  name: string;
  port: number;
  /** The process and its workers, whose CPU is counted. */
  pids: () => number[];
}

function childrenOf(pid: number): number[] {
  return spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
}

function cpuOf(s: ServerUnderTest): number {
  return s.pids().reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}

async function handshakeCpuMs(s: ServerUnderTest, mode: '-new' | '-reuse'): Promise<number> {
  const before = cpuOf(s);
  // s_time cannot resume TLS 1.3 (it takes the session before the ticket arrives): resumption is
  // measured with TLS 1.2 session tickets.
  const out = await runProgram('openssl', [
    's_time',
    '-connect',
    `127.0.0.1:${s.port}`,
    mode,
    ...(mode === '-reuse' ? ['-tls1_2'] : []),
    '-time',
    String(SECONDS),
  ]);
  const cpu = cpuOf(s) - before;
  const m = /(\d+) connections in ([\d.]+) real seconds/.exec(out.stdout);
  if (!m) throw new Error(`${s.name}: openssl s_time printed no count: ${out.stdout}${out.stderr}`);
  return (cpu * 1000) / Number(m[1]);
}

/** Requests per second and server CPU microseconds per request. */
interface Rate {
  rps: number;
  cpuUs: number;
}

async function http1Rate(s: ServerUnderTest, urlPath: string): Promise<Rate> {
  const before = cpuOf(s);
  const out = await mustRun(
    runProgram('wrk', [
      '-t1',
      '-c32',
      `-d${SECONDS}s`,
      '-H',
      `Host: ${HOST}`,
      `https://127.0.0.1:${s.port}${urlPath}`,
    ]),
    `${s.name} wrk`,
  );
  const cpu = cpuOf(s) - before;
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (!m) throw new Error(`${s.name}: wrk printed no rate: ${out}`);
  if (errors) throw new Error(`${s.name}: ${errors[1]} non-2xx responses under wrk`);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number(m[1]) * SECONDS);
  return { rps: Number(m[1]), cpuUs: (cpu * 1e6) / total };
}

async function http2Rate(s: ServerUnderTest): Promise<Rate> {
  const before = cpuOf(s);
  const out = await mustRun(
    runProgram('h2load', [
      '-c',
      '8',
      '-m',
      '16',
      '-D',
      String(SECONDS),
      '-H',
      `:authority: ${HOST}`,
      `https://127.0.0.1:${s.port}/status/200`,
    ]),
    `${s.name} h2load`,
  );
  const cpu = cpuOf(s) - before;
  const m = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out);
  const ok = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!m || !ok) throw new Error(`${s.name}: h2load printed no rate: ${out}`);
  if (Number(ok[3]) + Number(ok[4]) > 0) throw new Error(`${s.name}: errors under h2load: ${ok[0]}`);
  return { rps: Number(m[1]), cpuUs: (cpu * 1e6) / Number(ok[1]) };
}

/** Waits until the server answers the bench route with 200 over TLS. */
function waitServing(port: number, what: string, timeoutMs: number): Promise<true> {
  return waitFor(
    async () => {
      const r = await runProgram('curl', [
        '-sk',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-H',
        `Host: ${HOST}`,
        `https://127.0.0.1:${port}/status/200`,
      ]);
      return r.stdout === '200' || undefined;
    },
    { timeoutMs, what },
  );
}

/** median [min-max] of a sample. */
interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(samples: number[], digits = 2): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    median: round(median, digits),
    min: round(sorted[0], digits),
    max: round(sorted[sorted.length - 1], digits),
  };
}

const show = (s: Spread, unit = '') => `${s.median}${unit} [${s.min}-${s.max}]`;

async function main(): Promise<void> {
  ensureTools();
  const b = await startBenchSuite();
  const started: Array<ChildProcess | ServiceProcess> = [];
  try {
    await mustRun(b.keyway(['cert', 'issue', HOST, '--out', 'certs']), 'cert issue');
    const certDir = path.join(b.workDir, 'certs', '3_application');
    const certFile = path.join(certDir, 'certs', `${HOST}.cert.pem`);
    const keyFile = path.join(certDir, 'private', `${HOST}.key.pem`);
    await mustRun(
      b.keyway([
        'create',
        '-n',
        'istio-system',
        'secret',
        'tls',
        'bench-credential',
        `--cert=${certFile}`,
        `--key=${keyFile}`,
      ]),
      'create secret',
    );
    await mustRun(
      b.keyway(
        ['apply', '-f', '-'],
        `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: bench-gateway, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
  - port: { number: 443, name: https, protocol: HTTPS }
    tls: { mode: SIMPLE, credentialName: bench-credential }
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: bench, namespace: default }
spec:
  hosts: [${HOST}]
  gateways: [bench-gateway]
  http:
  - match: [{ uri: { exact: /direct } }]
    directResponse: { status: 200 }
  - route:
    - destination: { host: httpbin, port: { number: 8000 } }
`,
      ),
      'apply routing',
    );
    // The suite's own gateway is not measured: the bench starts its own with explicit worker counts.
    await b.suite.processes.find((p) => p.name === 'gateway')!.stop();
    const token = fs.readFileSync(path.join(path.dirname(b.workDir), 'gateway-token'), 'utf8').trim();
    const gatewayWith = async (workers: number): Promise<ServerUnderTest> => {
      const [port, plainPort, admin] = [await freePort(), await freePort(), await freePort()];
      const proc = startServiceProcess(
        'gateway',
        {
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'warn',
          OPS_PORT: String(admin),
          XDS_ADDRESS: `127.0.0.1:${b.suite.ports.sdsGrpc}`,
          XDS_TOKEN: token,
          GATEWAY_PORT_MAP: `443:${port},80:${plainPort}`,
          GATEWAY_POD_NAME: `bench-gateway-${workers}w`,
          GATEWAY_WORKERS: String(workers),
        },
        b.suite.logDir,
      );
      started.push(proc);
      await waitReady(proc, `http://127.0.0.1:${admin}/ready`);
      await waitServing(port, `the gateway (${workers} workers) serving the bench route`, 30_000);
      const pid = proc.child.pid!;
      return { name: `gateway ${workers}w`, port, pids: () => [pid, ...childrenOf(pid)] };
    };
    const bareWith = async (workers: number): Promise<ServerUnderTest> => {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [
          'dist/bench/lib/bare-node-proxy.js',
          certFile,
          keyFile,
          String(port),
          String(b.suite.ports.httpbin),
          String(workers),
        ],
        { stdio: 'ignore' },
      );
      started.push(child);
      await waitServing(port, `bare Node (${workers} workers)`, 10_000);
      const pid = child.pid!;
      return { name: `bare Node ${workers}w`, port, pids: () => [pid, ...childrenOf(pid)] };
    };

    const nginxDir = path.join(b.workDir, 'nginx');
    fs.mkdirSync(nginxDir);
    fs.copyFileSync(certFile, path.join(nginxDir, 'cert.pem'));
    fs.copyFileSync(keyFile, path.join(nginxDir, 'key.pem'));
    fs.writeFileSync(path.join(nginxDir, 'ticket.key'), randomBytes(80), { mode: 0o600 });
    const nginxPort = await freePort();
    fs.writeFileSync(
      path.join(nginxDir, 'nginx.conf'),
      nginxConfig(nginxDir, nginxPort, b.suite.ports.httpbin, WORKERS),
    );
    const nginx = spawn('nginx', ['-c', path.join(nginxDir, 'nginx.conf'), '-p', nginxDir], {
      stdio: 'ignore',
    });
    started.push(nginx);
    const nginxMaster = nginx.pid!;
    await waitServing(nginxPort, 'nginx serving the bench route', 10_000);

    const servers = {
      nginx: {
        name: `nginx ${WORKERS}w`,
        port: nginxPort,
        pids: () => [nginxMaster, ...childrenOf(nginxMaster)],
      },
      gateway: await gatewayWith(WORKERS),
      gateway1: await gatewayWith(1),
      bare: await bareWith(WORKERS),
      bare1: await bareWith(1),
    } satisfies Record<string, ServerUnderTest>;
    type Key = keyof typeof servers;
    const keys = Object.keys(servers) as Key[];
    const samples: Record<Key, Record<string, number[]>> = Object.fromEntries(
      keys.map((k) => [k, {}]),
    ) as never;
    const add = (k: Key, figure: string, value: number) => (samples[k][figure] ??= []).push(value);

    for (let r = 0; r < ROUNDS; r++) {
      // Each round starts with another server, so none always runs first (or last).
      const order = keys.map((_, i) => keys[(i + r) % keys.length]);
      for (const k of order) {
        const s = servers[k];
        add(k, 'fullHandshakeCpuMs', await handshakeCpuMs(s, '-new'));
        if (k === 'nginx' || k === 'gateway' || k === 'gateway1')
          add(k, 'resumedHandshakeCpuMs', await handshakeCpuMs(s, '-reuse'));
        const h1 = await http1Rate(s, '/status/200');
        add(k, 'http1Rps', h1.rps);
        add(k, 'http1CpuUsPerRequest', h1.cpuUs);
        const h2 = await http2Rate(s);
        add(k, 'http2Rps', h2.rps);
        add(k, 'http2CpuUsPerRequest', h2.cpuUs);
        const direct = await http1Rate(s, '/direct');
        add(k, 'http1DirectRps', direct.rps);
        add(k, 'http1DirectCpuUsPerRequest', direct.cpuUs);
      }
      console.log(`round ${r + 1}/${ROUNDS} done`);
    }

    const ratio = (a: Key, b2: Key, figure: string) =>
      spread(samples[a][figure].map((v, i) => v / samples[b2][figure][i]));
    const figures: Record<string, unknown> = {
      seconds: SECONDS,
      rounds: ROUNDS,
      workers: WORKERS,
      servers: Object.fromEntries(
        keys.map((k) => [
          servers[k].name,
          Object.fromEntries(
            Object.entries(samples[k]).map(([f, v]) => [
              f,
              { ...spread(v, 3), samples: v.map((x) => round(x, 3)) },
            ]),
          ),
        ]),
      ),
    };
    const lines: Array<{ figure: string; value: Spread; target?: string; met?: boolean; baseline?: string }> =
      [];
    const vsNginx = (figure: string, label: string, target: number, higherIsBetter: boolean) => {
      const value = ratio('gateway', 'nginx', figure);
      lines.push({
        figure: `${label}: gateway ${WORKERS}w / nginx ${WORKERS}w`,
        value,
        target: `${higherIsBetter ? '>=' : '<='} ${target}x`,
        met: higherIsBetter ? value.median >= target : value.median <= target,
        baseline: `bare Node ${WORKERS}w / nginx ${show(ratio('bare', 'nginx', figure), 'x')}; gateway 1w / nginx ${show(ratio('gateway1', 'nginx', figure), 'x')}`,
      });
    };
    vsNginx('fullHandshakeCpuMs', 'CPU per full handshake', TARGETS.handshakeCpu, false);
    lines.push({
      figure: 'CPU per full handshake: bare Node 1w / nginx',
      value: ratio('bare1', 'nginx', 'fullHandshakeCpuMs'),
    });
    lines.push({
      figure: 'CPU per resumed handshake (TLS 1.2 ticket): gateway / nginx',
      value: ratio('gateway', 'nginx', 'resumedHandshakeCpuMs'),
      baseline: `gateway resumed / full ${show(spread(samples.gateway.resumedHandshakeCpuMs.map((v, i) => v / samples.gateway.fullHandshakeCpuMs[i])), 'x')}`,
    });
    vsNginx('http1Rps', 'HTTP/1.1 keep-alive req/s (wrk -c32, proxied)', TARGETS.http1, true);
    vsNginx('http2Rps', 'HTTP/2 req/s (h2load -c8 -m16, proxied)', TARGETS.http2, true);
    vsNginx('http1DirectRps', 'HTTP/1.1 req/s, direct response (no upstream)', TARGETS.http1, true);
    for (const [figure, label] of [
      ['http1Rps', 'HTTP/1.1 proxied'],
      ['http2Rps', 'HTTP/2 proxied'],
      ['http1DirectRps', 'HTTP/1.1 direct'],
    ] as const) {
      const value = ratio('gateway', 'gateway1', figure);
      lines.push({
        figure: `scaling 1 -> ${WORKERS} workers, ${label}`,
        value,
        target: `>= ${TARGETS.scaling}x`,
        met: value.median >= TARGETS.scaling,
        baseline: `bare Node ${show(ratio('bare', 'bare1', figure), 'x')}`,
      });
    }
    figures.ratios = lines;
    console.log(
      `\ngateway-vs-nginx, ${ROUNDS} rounds of ${SECONDS} s, ${WORKERS} workers; median [min-max] over rounds`,
    );
    for (const k of keys) {
      const f = samples[k];
      console.log(
        `  ${servers[k].name.padEnd(14)} full hs ${show(spread(f.fullHandshakeCpuMs, 3), ' ms')}` +
          (f.resumedHandshakeCpuMs ? `, resumed ${show(spread(f.resumedHandshakeCpuMs, 3), ' ms')}` : '') +
          `; h1 ${show(spread(f.http1Rps, 0))} req/s (${show(spread(f.http1CpuUsPerRequest, 0), ' us CPU/req')})` +
          `; h2 ${show(spread(f.http2Rps, 0))} req/s (${show(spread(f.http2CpuUsPerRequest, 0), ' us')})` +
          `; h1 direct ${show(spread(f.http1DirectRps, 0))} req/s`,
      );
    }
    for (const l of lines)
      console.log(
        `  ${l.figure}: ${show(l.value, 'x')}` +
          (l.target ? ` (target ${l.target}: ${l.met ? 'met' : 'not met'})` : '') +
          (l.baseline ? `; ${l.baseline}` : ''),
      );
    const at = (i: number) =>
      `${lines[i].value.median}x${lines[i].met === undefined ? '' : lines[i].met ? ' met' : ' not met'}`;
    reportBench({
      name: 'gateway-vs-nginx',
      figures,
      summary:
        `medians over ${ROUNDS} rounds, ${WORKERS} workers: handshake CPU vs nginx ${at(0)} (<=1.33), ` +
        `HTTP/1.1 req/s ${at(3)} (>=0.45), HTTP/2 req/s ${at(4)} (>=0.3), ` +
        `scaling 1->${WORKERS} workers ${at(6)} proxied h1 / ${at(8)} direct h1 (>=1.7)`,
    });
  } finally {
    for (const p of started.reverse()) {
      if ('stop' in p) await p.stop();
      else p.kill('SIGTERM');
    }
    await b.stop();
  }
}

await main();
