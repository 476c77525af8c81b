/**
 * keyway's gateway beside nginx (Debian's package), same certificate, same upstream, same run:
 * server CPU per full TLS handshake (openssl s_time -new), and keep-alive requests per second over
 * HTTP/1.1 (wrk) and HTTP/2 (h2load), reported as ratios to nginx. nginx runs one worker, as the
 * gateway is one Node process. Installs nginx, wrk and nghttp2-client from Debian's packages if missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '#keyway/infra';
import { waitFor } from '#keyway/testing';
import { reportBench, round } from './lib/report.js';
import { mustRun, processCpuSeconds, runProgram, startBenchSuite } from './lib/suite.js';

const HOST = 'bench.example.com';
const SECONDS = Number(process.argv[2] ?? 5);

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

function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  return `worker_processes 1;
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
  upstream httpbin { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl http2;
    server_name ${HOST};
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
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
  pids: () => number[];
}

function cpuOf(s: ServerUnderTest): number {
  return s.pids().reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}

async function handshakeCpu(s: ServerUnderTest): Promise<{ handshakes: number; cpuMsPerHandshake: number }> {
  const before = cpuOf(s);
  const out = await runProgram('openssl', [
    's_time',
    '-connect',
    `127.0.0.1:${s.port}`,
    '-new',
    '-time',
    String(SECONDS),
  ]);
  const cpu = cpuOf(s) - before;
  const m = /(\d+) connections in ([\d.]+) real seconds/.exec(out.stdout);
  if (!m) throw new Error(`${s.name}: openssl s_time printed no count: ${out.stdout}${out.stderr}`);
  const handshakes = Number(m[1]);
  return { handshakes, cpuMsPerHandshake: round((cpu * 1000) / handshakes, 3) };
}

async function http1Rps(s: ServerUnderTest): Promise<number> {
  const out = await mustRun(
    runProgram('wrk', [
      '-t1',
      '-c32',
      `-d${SECONDS}s`,
      '-H',
      `Host: ${HOST}`,
      `https://127.0.0.1:${s.port}/status/200`,
    ]),
    `${s.name} wrk`,
  );
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (!m) throw new Error(`${s.name}: wrk printed no rate: ${out}`);
  if (errors) throw new Error(`${s.name}: ${errors[1]} non-2xx responses under wrk`);
  return Number(m[1]);
}

async function http2Rps(s: ServerUnderTest): Promise<number> {
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
  const m = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out);
  const ok = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!m || !ok) throw new Error(`${s.name}: h2load printed no rate: ${out}`);
  if (Number(ok[3]) + Number(ok[4]) > 0) throw new Error(`${s.name}: errors under h2load: ${ok[0]}`);
  return Number(m[1]);
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

async function main(): Promise<void> {
  ensureTools();
  const b = await startBenchSuite();
  let nginx: ChildProcess | undefined;
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
  - route:
    - destination: { host: httpbin, port: { number: 8000 } }
`,
      ),
      'apply routing',
    );
    const gatewayPid = b.suite.processes.find((p) => p.name === 'gateway')!.child.pid!;
    const gateway: ServerUnderTest = {
      name: 'keyway gateway',
      port: b.suite.ports.gatewayHttps,
      pids: () => [gatewayPid],
    };
    await waitServing(gateway.port, 'the gateway serving the bench route', 30_000);

    const nginxDir = path.join(b.workDir, 'nginx');
    fs.mkdirSync(nginxDir);
    fs.copyFileSync(certFile, path.join(nginxDir, 'cert.pem'));
    fs.copyFileSync(keyFile, path.join(nginxDir, 'key.pem'));
    const nginxPort = await freePort();
    fs.writeFileSync(
      path.join(nginxDir, 'nginx.conf'),
      nginxConfig(nginxDir, nginxPort, b.suite.ports.httpbin),
    );
    nginx = spawn('nginx', ['-c', path.join(nginxDir, 'nginx.conf'), '-p', nginxDir], { stdio: 'ignore' });
    const nginxMaster = nginx.pid!;
    const workers = () =>
      spawnSync('pgrep', ['-P', String(nginxMaster)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map(Number);
    const nginxUnderTest: ServerUnderTest = {
      name: 'nginx',
      port: nginxPort,
      pids: () => [nginxMaster, ...workers()],
    };
    await waitServing(nginxPort, 'nginx serving the bench route', 10_000);

    const results: Record<string, Record<string, number>> = {};
    for (const s of [gateway, nginxUnderTest]) {
      const hs = await handshakeCpu(s);
      results[s.name] = {
        handshakes: hs.handshakes,
        cpuMsPerHandshake: hs.cpuMsPerHandshake,
        http1Rps: round(await http1Rps(s)),
        http2Rps: round(await http2Rps(s)),
      };
    }
    const g = results['keyway gateway'];
    const n = results['nginx'];
    const ratios = {
      handshakeCpu: round(g.cpuMsPerHandshake / n.cpuMsPerHandshake),
      http1Rps: round(g.http1Rps / n.http1Rps),
      http2Rps: round(g.http2Rps / n.http2Rps),
    };
    reportBench({
      name: 'gateway-vs-nginx',
      figures: { seconds: SECONDS, gateway: g, nginx: n, ratiosGatewayToNginx: ratios },
      summary:
        `handshake CPU ${g.cpuMsPerHandshake} ms vs nginx ${n.cpuMsPerHandshake} ms (x${ratios.handshakeCpu}); ` +
        `HTTP/1.1 ${g.http1Rps} vs ${n.http1Rps} req/s (x${ratios.http1Rps}); HTTP/2 ${g.http2Rps} vs ${n.http2Rps} req/s (x${ratios.http2Rps})`,
    });
  } finally {
    nginx?.kill('SIGTERM');
    await b.stop();
  }
}

await main();
