// Route compile at scale: one Gateway server and one VirtualService per host, full compiles at
// 1, 100, 1,000 and 10,000 hosts, then single-route edits at 10,000 hosts on a warm RouteCompiler.
// Pure CPU: no network. Targets (issue 4): full compile of 10,000 hosts < 1 s, one edit < 20 ms.
import {
  parseRoutingResource,
  type Gateway,
  type KubeService,
  type RoutingResource,
  type VirtualService,
} from '#keyway/istio';
import { RouteCompiler, type CompileInputs } from '#keyway/xds';
import os from 'node:os';
import { percentile, reportBench, round } from './lib/report.js';

/** Wall time and this process's CPU time (user + system) of one call, in ms. */
function timed<T>(fn: () => T): { result: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = fn();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function parsed<T extends RoutingResource>(manifest: unknown): T {
  const r = parseRoutingResource(manifest);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}

function gateway(i: number): Gateway {
  return parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: {
      name: `gw-${i}`,
      namespace: `team-${i % 50}`,
      creationTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: `https-${i}`, protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName: `cred-${i}` },
          hosts: [`host-${i}.example.com`],
        },
      ],
    },
  });
}

function virtualService(i: number, prefix = '/'): VirtualService {
  return parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: `vs-${i}`,
      namespace: `team-${i % 50}`,
      creationTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    },
    spec: {
      hosts: [`host-${i}.example.com`],
      gateways: [`gw-${i}`],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          route: [{ destination: { host: `svc-${i}`, port: { number: 8000 } } }],
          timeout: '5s',
        },
        {
          match: [{ uri: { prefix } }],
          route: [{ destination: { host: `svc-${i}`, port: { number: 8000 } } }],
        },
      ],
    },
  });
}

function service(i: number): KubeService {
  return parsed({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: `team-${i % 50}` },
    spec: { ports: [{ name: 'http', port: 8000 }] },
  });
}

function inputsFor(hosts: number): CompileInputs {
  const n = Array.from({ length: hosts }, (_, i) => i);
  return {
    gateways: n.map(gateway),
    virtualServices: n.map((i) => virtualService(i)),
    services: n.map(service),
    knownCredentials: new Set(n.map((i) => `cred-${i}`)),
    group: { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
  };
}

function resourceCount(r: ReturnType<RouteCompiler['compile']>): number {
  return Object.values(r.resources).reduce((sum, list) => sum + list.length, 0);
}

// Warm the proto codecs and RE2 once, outside any measurement.
new RouteCompiler().compile(inputsFor(10));

const figures: Record<string, unknown> = {};
for (const hosts of [1, 100, 1_000, 10_000]) {
  const inputs = inputsFor(hosts);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  const runs = hosts >= 10_000 ? 5 : 7;
  let resources = 0;
  for (let i = 0; i < runs; i++) {
    const run = timed(() => new RouteCompiler().compile(inputs));
    samples.push(run.wallMs);
    cpuSamples.push(run.cpuMs);
    resources = resourceCount(run.result);
  }
  figures[`full${hosts}HostsMedianMs`] = round(percentile(samples, 50));
  figures[`full${hosts}HostsMaxMs`] = round(Math.max(...samples));
  figures[`full${hosts}HostsMedianCpuMs`] = round(percentile(cpuSamples, 50));
  figures[`full${hosts}HostsResources`] = resources;
}

// One route edited at 10,000 hosts, on a compiler that has compiled the previous state.
const hosts = 10_000;
const inputs = inputsFor(hosts);
const compiler = new RouteCompiler();
compiler.compile(inputs);
const editSamples: number[] = [];
const editCpuSamples: number[] = [];
let changed = 0;
for (let e = 0; e < 50; e++) {
  const target = (e * 487) % hosts;
  const virtualServices = [...inputs.virtualServices];
  virtualServices[target] = virtualService(target, `/v${e}`);
  inputs.virtualServices = virtualServices;
  const { result, wallMs, cpuMs } = timed(() => compiler.compile(inputs));
  editSamples.push(wallMs);
  editCpuSamples.push(cpuMs);
  changed = result.diff.changed.length + result.diff.added.length + result.diff.removed.length;
  if (changed !== 1) throw new Error(`an edit changed ${changed} resources, expected 1`);
}
figures.edit10000HostsMedianMs = round(percentile(editSamples, 50));
figures.edit10000HostsP99Ms = round(percentile(editSamples, 99));
figures.edit10000HostsMedianCpuMs = round(percentile(editCpuSamples, 50));
figures.edit10000HostsP99CpuMs = round(percentile(editCpuSamples, 99));
figures.editChangedResources = changed;
// Wall times depend on what else runs on the machine: keep the load beside them.
figures.loadAverage1m = round(os.loadavg()[0]);

const full = figures.full10000HostsMedianMs as number;
const edit = figures.edit10000HostsP99Ms as number;
reportBench({
  name: 'route-compile',
  figures,
  summary:
    `full compile 1/100/1k/10k hosts: ${figures.full1HostsMedianMs}/${figures.full100HostsMedianMs}/` +
    `${figures.full1000HostsMedianMs}/${full} ms (target 10k < 1000 ms: ${full < 1000 ? 'met' : 'MISSED'}); ` +
    `one edit at 10k: median ${figures.edit10000HostsMedianMs} ms, p99 ${edit} ms (target < 20 ms: ${edit < 20 ? 'met' : 'MISSED'}); ` +
    `CPU: full 10k ${figures.full10000HostsMedianCpuMs} ms, edit median ${figures.edit10000HostsMedianCpuMs} ms; ` +
    `load average ${figures.loadAverage1m} on ${os.cpus().length} CPUs`,
});
