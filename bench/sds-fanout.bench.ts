// SDS fan-out: N proxies hold a StreamSecrets stream on one credential; a new revision is written
// to the credentials KV bucket and the bench times, on the client side, each stream's receipt
// (from just before the KV put). Server memory per stream is measured in the server process
// after a forced GC. The floor is a bare grpc-js server writing one pre-encoded message to the
// same number of streams on an IPC signal. Both servers run in a child process, clients here.
// Only 127.0.0.1. Usage: sds-fanout.bench.js [counts=100,1000,5000] [rounds=7]
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Buckets,
  credentialAssociatedData,
  credentialKey,
  credentialRecord,
  type CredentialRecord,
} from '#keyway/contracts';
import { xdsPackageDefinition } from '#keyway/envoy-api';
import { Keyring } from '#keyway/key-material';
import { connectNats, provisionKeywayBucket, TypedBucket } from '#keyway/messaging';
import { createLogger, createMetricsRegistry } from '#keyway/observability';
// The bench drives the sds-server's runtime in its own process (not an app importing another app).
// eslint-disable-next-line no-restricted-imports
import { sdsConfig } from '../apps/sds-server/src/config.js';
// eslint-disable-next-line no-restricted-imports
import { SdsRuntime } from '../apps/sds-server/src/sds-runtime.js';
import { percentile, reportBench, round } from './lib/report.js';

const STREAM_SECRETS = '/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets';
const NAME = 'bench-credential';
const SDS_NAME = `kubernetes://${NAME}`;
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const raw = (b: Buffer) => b;

type ServerMessage =
  | { kind: 'ready'; port: number }
  | { kind: 'memory'; heapUsed: number; rss: number; external: number; arrayBuffers: number }
  | { kind: 'settled' };
type ClientMessage = { kind: 'memory' } | { kind: 'push' } | { kind: 'settle' } | { kind: 'stop' };

// ---------------------------------------------------------------- server side (child process)

function memory(): ServerMessage {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    kind: 'memory',
    heapUsed: m.heapUsed,
    rss: m.rss,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

async function keywayServer(namespace: string, token: string, dataKeys: string): Promise<void> {
  const config = sdsConfig.load({
    NATS_URL,
    KEYWAY_DATA_KEYS: dataKeys,
    XDS_GRPC_PORT: '0',
    OPS_PORT: '0',
    REPLICA_ID: `bench-${namespace}`,
    XDS_BOOTSTRAP_TOKENS: `${namespace}=${token}`,
    LOG_LEVEL: 'info',
  });
  // Info logs (one "pushed ... to ..." line per proxy) are written, to /dev/null.
  const logger = createLogger({
    service: 'sds-server',
    level: 'info',
    destination: fs.createWriteStream('/dev/null'),
  });
  const nc = await connectNats({ url: NATS_URL, name: 'sds-bench-server' });
  const runtime = new SdsRuntime({ config, logger, nc, metrics: createMetricsRegistry('sds-server') });
  const { plain } = await runtime.start();
  const onMessage = async (m: ClientMessage): Promise<void> => {
    if (m.kind === 'memory') process.send!(memory());
    if (m.kind === 'settle') {
      // Between rounds: every proxy's ACK has arrived and the proxies bucket is written, so one
      // round's registry writes do not land in the next round's measurement.
      const secret = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
      while (
        !runtime.registry.records().every((r) => r.acked[secret] && r.acked[secret] === r.sent?.[secret])
      ) {
        await new Promise((r) => setImmediate(r));
      }
      await runtime.registry.flush();
      process.send!({ kind: 'settled' } satisfies ServerMessage);
    }
    if (m.kind === 'stop') {
      await runtime.stop();
      await nc.drain();
      process.exit(0);
    }
  };
  process.on('message', (m: ClientMessage) => void onMessage(m));
  process.send!({ kind: 'ready', port: plain! } satisfies ServerMessage);
}

/** The floor: a bare grpc-js server that writes one pre-encoded response to every open stream. */
async function floorServer(): Promise<void> {
  const definition = xdsPackageDefinition();
  const responseType = definition['envoy.service.discovery.v3.DiscoveryResponse'] as unknown as {
    serialize(v: object): Buffer;
  };
  const streams = new Set<grpc.ServerDuplexStream<Buffer, Buffer>>();
  const server = new grpc.Server();
  server.addService(
    {
      StreamSecrets: {
        path: STREAM_SECRETS,
        requestStream: true,
        responseStream: true,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      StreamSecrets: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        streams.add(call);
        // Like SDS, a new stream gets the current message at once.
        if (current) call.write(current);
        call.on('data', () => undefined);
        call.on('cancelled', () => streams.delete(call));
        call.on('end', () => streams.delete(call));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  let revision = 0;
  let current: Buffer | undefined;
  process.on('message', (m: ClientMessage) => {
    if (m.kind === 'memory') process.send!(memory());
    if (m.kind === 'push') {
      // A secret of the same size as keyway's, encoded once, written to every stream.
      const message = (current = responseType.serialize({
        version_info: `v${++revision}`,
        type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
        nonce: String(revision),
        resources: [
          {
            type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
            value: randomBytes(1100),
          },
        ],
      }));
      for (const s of streams) s.write(message);
    }
    if (m.kind === 'stop') {
      server.forceShutdown();
      process.exit(0);
    }
  });
  process.send!({ kind: 'ready', port } satisfies ServerMessage);
}

// ---------------------------------------------------------------- client side (this process)

class Child {
  readonly #waiters: ((m: ServerMessage) => void)[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: ServerMessage) => this.#waiters.shift()?.(m));
  }
  static async start(args: string[]): Promise<{ child: Child; port: number }> {
    const proc = fork(process.argv[1], args, {
      // SDS_BENCH_PROFILE=1 writes the servers' CPU profiles to /tmp/sds-prof.
      execArgv: [
        '--expose-gc',
        ...(process.env.SDS_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/sds-prof'] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(proc);
    const ready = await child.next();
    if (ready.kind !== 'ready') throw new Error('server did not start');
    return { child, port: ready.port };
  }
  next(): Promise<ServerMessage> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  async memory(): Promise<Extract<ServerMessage, { kind: 'memory' }>> {
    const reply = this.next();
    this.proc.send({ kind: 'memory' } satisfies ClientMessage);
    return (await reply) as Extract<ServerMessage, { kind: 'memory' }>;
  }
  async settle(): Promise<void> {
    const reply = this.next();
    this.proc.send({ kind: 'settle' } satisfies ClientMessage);
    await reply;
  }
  send(m: ClientMessage): void {
    this.proc.send(m);
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.send({ kind: 'stop' });
    await exited;
  }
}

/** N streams over `connections` HTTP/2 connections; counts every response per stream. */
class Proxies {
  readonly clients: grpc.Client[] = [];
  readonly calls: grpc.ClientDuplexStream<Buffer, Buffer>[] = [];
  readonly received: number[];
  readonly lastAt: number[];
  readonly last: Buffer[] = [];
  #waiter: (() => void) | undefined;
  constructor(
    readonly port: number,
    readonly count: number,
    connections: number,
    metadata: grpc.Metadata,
    first: (i: number) => Buffer,
  ) {
    this.received = new Array(count).fill(0);
    this.lastAt = new Array(count).fill(0);
    for (let c = 0; c < connections; c++) {
      this.clients.push(
        new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.max_receive_message_length': 4 * 1024 * 1024,
        }),
      );
    }
    for (let i = 0; i < count; i++) {
      const call = this.clients[i % connections].makeBidiStreamRequest(STREAM_SECRETS, raw, raw, metadata);
      call.on('data', (b: Buffer) => {
        this.lastAt[i] = performance.now();
        this.received[i] += 1;
        this.last[i] = b;
        this.#waiter?.();
      });
      call.on('error', () => undefined);
      call.write(first(i));
      this.calls.push(call);
    }
  }
  /** Resolves when every stream has received at least `n` responses. */
  until(n: number, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.every((r) => r >= n)) {
          clearTimeout(timer);
          this.#waiter = undefined;
          resolve();
        }
      };
      const timer = setTimeout(
        () =>
          reject(new Error(`timed out: ${this.received.filter((r) => r >= n).length}/${this.count} streams`)),
        timeoutMs,
      );
      this.#waiter = check;
      check();
    });
  }
  close(): void {
    for (const c of this.calls) c.cancel();
    for (const c of this.clients) c.close();
  }
}

function credential(namespace: string, keyring: Keyring, revision: number): CredentialRecord {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const material = {
    certificateChain: `-----BEGIN CERTIFICATE-----\n${randomBytes(600).toString('base64')}\n-----END CERTIFICATE-----\n`,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return {
    schemaVersion: 1,
    namespace,
    name: NAME,
    kind: 'tls-certificate',
    revision,
    contentHash: createHash('sha256')
      .update(`${namespace}/${revision}/${randomBytes(8).toString('hex')}`)
      .digest('hex'),
    state: 'active',
    caFingerprints: [],
    material: keyring.seal(JSON.stringify(material), credentialAssociatedData(namespace, NAME, revision)),
  };
}

interface RunFigures {
  p50Ms: number;
  p99Ms: number;
  lastMedianMs: number;
  lastMaxMs: number;
  memoryPerStreamKb: number;
  rssPerStreamKb: number;
}

async function runKeyway(nc: NatsConnection, count: number, rounds: number): Promise<RunFigures> {
  const namespace = `bench-${randomBytes(3).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const dataKeys = `bench:${randomBytes(32).toString('base64')}`;
  const keyring = Keyring.parse(dataKeys);
  const bucket = new TypedBucket(await provisionKeywayBucket(nc, Buckets.credentials), credentialRecord);
  const key = credentialKey(namespace, NAME);
  await bucket.put(key, credential(namespace, keyring, 1));
  const { child, port } = await Child.start(['--keyway-server', namespace, token, dataKeys]);
  const before = await child.memory();
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const request = definitionTypes().request;
  const proxies = new Proxies(port, count, Math.min(count, 100), md, (i) =>
    request.serialize({
      node: {
        id: `router~127.0.0.${(i % 250) + 1}~gw-${i}.${namespace}~${namespace}.svc.cluster.local`,
        metadata: { fields: { NAMESPACE: { stringValue: namespace } } },
      },
      resource_names: [SDS_NAME],
    }),
  );
  try {
    await proxies.until(1);
    await ack(proxies);
    await child.settle();
    const after = await child.memory();
    const samples: number[] = [];
    const lasts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const next = credential(namespace, keyring, r + 2);
      const t0 = performance.now();
      await bucket.put(key, next);
      await proxies.until(r + 2);
      const times = proxies.lastAt.map((t) => t - t0);
      samples.push(...times);
      lasts.push(Math.max(...times));
      await ack(proxies);
      await child.settle();
    }
    return figures(samples, lasts, before, after, count);
  } finally {
    proxies.close();
    await child.stop();
    await bucket.delete(key);
  }
}

async function runFloor(count: number, rounds: number): Promise<RunFigures> {
  const { child, port } = await Child.start(['--floor-server']);
  const before = await child.memory();
  const proxies = new Proxies(port, count, Math.min(count, 100), new grpc.Metadata(), () =>
    Buffer.from([0x22, 0x00]),
  );
  try {
    // Every stream is open on the server once a first push reaches all of them.
    child.send({ kind: 'push' });
    await proxies.until(1);
    const after = await child.memory();
    const samples: number[] = [];
    const lasts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      child.send({ kind: 'push' });
      await proxies.until(r + 2);
      const times = proxies.lastAt.map((t) => t - t0);
      samples.push(...times);
      lasts.push(Math.max(...times));
    }
    return figures(samples, lasts, before, after, count);
  } finally {
    proxies.close();
    await child.stop();
  }
}

function definitionTypes() {
  const d = xdsPackageDefinition() as unknown as Record<
    string,
    { serialize(v: object): Buffer; deserialize(b: Buffer): any }
  >;
  return {
    request: d['envoy.service.discovery.v3.DiscoveryRequest'],
    response: d['envoy.service.discovery.v3.DiscoveryResponse'],
  };
}

/** ACK the last response on every stream, as a proxy does after applying it. */
async function ack(proxies: Proxies): Promise<void> {
  const { request, response } = definitionTypes();
  proxies.calls.forEach((call, i) => {
    const r = response.deserialize(proxies.last[i]);
    call.write(
      request.serialize({
        resource_names: [SDS_NAME],
        version_info: r.version_info,
        response_nonce: r.nonce,
      }),
    );
  });
}

function figures(
  samples: number[],
  lasts: number[],
  before: Extract<ServerMessage, { kind: 'memory' }>,
  after: Extract<ServerMessage, { kind: 'memory' }>,
  count: number,
): RunFigures {
  const heap = after.heapUsed + after.external - (before.heapUsed + before.external);
  return {
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    lastMedianMs: round(percentile(lasts, 50)),
    lastMaxMs: round(Math.max(...lasts)),
    memoryPerStreamKb: round(heap / count / 1024),
    rssPerStreamKb: round((after.rss - before.rss) / count / 1024),
  };
}

async function main(): Promise<void> {
  const counts = (process.argv[2] ?? '100,1000,5000').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`usage: sds-fanout.bench.js [counts=100,1000,5000] [rounds=7]; got "${process.argv[2]}"`);
  const rounds = Number(process.argv[3] ?? 7);
  const nc = await connectNats({ url: NATS_URL, name: 'sds-bench' });
  const results: Record<string, { keyway: RunFigures; floor: RunFigures; ratioLast: number }> = {};
  try {
    for (const count of counts) {
      const keyway = await runKeyway(nc, count, rounds);
      const floor = await runFloor(count, rounds);
      results[String(count)] = { keyway, floor, ratioLast: round(keyway.lastMedianMs / floor.lastMedianMs) };
      console.log(`${count} streams: keyway ${JSON.stringify(keyway)} floor ${JSON.stringify(floor)}`);
    }
  } finally {
    await nc.drain();
  }
  const k1000 = results['1000'];
  const k10000 = results['10000'];
  reportBench({
    name: 'sds-fanout',
    figures: { rounds, streamsPerConnection: 'count/min(count,100)', results },
    summary:
      Object.entries(results)
        .map(
          ([n, r]) =>
            `${n} streams: last receipt ${r.keyway.lastMedianMs} ms (p50 ${r.keyway.p50Ms}, p99 ${r.keyway.p99Ms}) vs floor ${r.floor.lastMedianMs} ms (x${r.ratioLast}), ${r.keyway.memoryPerStreamKb} KB heap/stream`,
        )
        .join('; ') +
      (k1000
        ? ` | target 1000 < 100 ms: ${k1000.keyway.lastMedianMs < 100 ? 'met' : 'missed'}, within 2x floor: ${k1000.ratioLast <= 2 ? 'met' : 'missed'}`
        : '') +
      (k10000
        ? ` | target 10000 < 1000 ms: ${k10000.keyway.lastMedianMs < 1000 ? 'met' : 'missed'}, within 2x floor: ${k10000.ratioLast <= 2 ? 'met' : 'missed'}, < 64 KB per proxy (heap ${k10000.keyway.memoryPerStreamKb}, RSS ${k10000.keyway.rssPerStreamKb}): ${Math.max(k10000.keyway.memoryPerStreamKb, k10000.keyway.rssPerStreamKb) < 64 ? 'met' : 'missed'}`
        : ''),
  });
}

const role = process.argv[2];
// A server child ends with the bench that forked it, even when the bench dies without a 'stop'.
if (role === '--keyway-server' || role === '--floor-server') process.on('disconnect', () => process.exit(0));
if (role === '--keyway-server') await keywayServer(process.argv[3], process.argv[4], process.argv[5]);
else if (role === '--floor-server') await floorServer();
else await main();
