// Credential rotation through the secret-watcher: time from an API apply (`keyway.secrets.apply` over
// NATS) to the matching update of the credentials KV bucket, p50/p99 over 1,000 sequential rotations,
// then recorded applies per second and their latency with many applies in flight (sent by a child
// process, as the api would send them), next to the audit log's own insert rate in the same run.
// The service runs in-process against a
// private nats-server and a throwaway database on the local Postgres (127.0.0.1 only).
import { fork } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { auditEntry, chainRow, resolveCredentials, type ChainedAuditRow } from '#keyway/secrets';
import { createThrowawayDatabase, testDataKeys } from '#keyway/testing';
// The bench drives the secret-watcher in-process (not an app importing another app).
// eslint-disable-next-line no-restricted-imports
import {
  BucketRecorder,
  Commands,
  applyRequest,
  bootService,
  leafFor,
  privateNats,
  testCa,
  tlsManifest,
} from '../apps/secret-watcher/src/testing/harness.js';
import { percentile, reportBench, round } from './lib/report.js';

const ROTATIONS = Number(process.argv[2] ?? 1000);
const BURST = Number(process.argv[3] ?? 2000);
const IN_FLIGHT = Number(process.argv[4] ?? 100);

async function main(): Promise<void> {
  const nats = await privateNats();
  const db = await createThrowawayDatabase('keyway_bench_sw');
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);
  const service = await bootService({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    KEYWAY_DATA_KEYS: dataKeys,
    SECRET_APPLY_WAIT_MS: '60000',
  });
  const commands = new Commands(nats.url);
  const ns = `bench-${randomBytes(3).toString('hex')}`;
  const bucket = new BucketRecorder();
  await bucket.start(nats.url, ns);
  try {
    const ca = testCa('bench root');
    const key = `${ns}.rotating`;
    const leaves = Array.from({ length: ROTATIONS + 20 }, () => leafFor(ca));
    const latencies: number[] = [];
    for (let i = 0; i < leaves.length; i++) {
      const request = applyRequest(keyring, tlsManifest(ns, 'rotating', leaves[i]));
      const seen = bucket.count(key);
      const t0 = performance.now();
      const reply = await commands.send(Subjects.secrets.apply, request);
      if (!reply.ok) throw new Error(`apply failed: ${reply.error.message}`);
      while (bucket.count(key) === seen) await new Promise((r) => setImmediate(r));
      if (i >= 20) latencies.push(performance.now() - t0); // the first 20 warm up
    }

    // Audit throughput: many credentials, IN_FLIGHT applies outstanding at any time, sent by a
    // process of their own (as the api is), so this process's CPU is the service's alone.
    // Requests are sealed up front, as the api seals them before sending: only the service is timed.
    const burstRequests = Array.from({ length: BURST }, (_, i) =>
      applyRequest(keyring, tlsManifest(ns, `burst-${i % 50}`, leafFor(ca))),
    );
    const requestsFile = path.join(os.tmpdir(), `keyway-bench-applies-${process.pid}.json`);
    fs.writeFileSync(requestsFile, JSON.stringify(burstRequests));
    const cpu0 = process.cpuUsage();
    const burst = await runDriver(nats.url, requestsFile, IN_FLIGHT).finally(() => fs.rmSync(requestsFile));
    const { seconds, latencies: burstLatencies } = burst;
    // The service's process over the burst: about 1 CPU-s per s says its one thread is the limit.
    const cpu = process.cpuUsage(cpu0);
    const burstCpuPerWallSecond = (cpu.user + cpu.system) / 1e6 / seconds;
    // The audit log alone: chained rows straight into Postgres in groups of 256, one transaction each.
    const sample = resolveCredentials([
      {
        metadata: { name: 'raw', namespace: ns },
        stringData: { 'tls.crt': leaves[0].cert, 'tls.key': leaves[0].key },
      },
    ]).credentials[0];
    let head: ChainedAuditRow | undefined;
    const RAW_ROWS = 20_000;
    const t2 = performance.now();
    for (let i = 0; i < RAW_ROWS; i += 256) {
      const group: ChainedAuditRow[] = [];
      for (let j = i; j < Math.min(RAW_ROWS, i + 256); j++) {
        head = chainRow(
          head,
          auditEntry({
            namespace: ns,
            name: 'raw',
            revision: j + 1,
            action: j === 0 ? 'created' : 'updated',
            source: 'bench',
            actor: 'service:bench',
            recordedAt: new Date().toISOString(),
            credential: sample,
          }),
        );
        group.push(head);
      }
      await service.runtime.store.commit(group);
    }
    const rawSeconds = (performance.now() - t2) / 1000;

    const verify = await commands.send<{ ok: boolean; checkedRows: number }>(Subjects.audit.verify, {
      schemaVersion: 1,
      namespace: ns,
    });
    if (!verify.ok || !verify.result.ok) throw new Error('audit chain does not verify after the bench');

    const figures = {
      rotations: latencies.length,
      applyToKvP50Ms: round(percentile(latencies, 50)),
      applyToKvP99Ms: round(percentile(latencies, 99)),
      applyToKvMaxMs: round(Math.max(...latencies)),
      burstApplies: BURST,
      burstInFlight: IN_FLIGHT,
      auditRowsPerSecond: round(BURST / seconds, 0),
      burstApplyP50Ms: round(percentile(burstLatencies, 50)),
      burstProcessCpuPerWallSecond: round(burstCpuPerWallSecond),
      burstProcessCpuMsPerApply: round((burstCpuPerWallSecond * seconds * 1000) / BURST),
      burstDriverCpuMsPerApply: round((burst.driverCpuSeconds * 1000) / BURST),
      burstApplyP99Ms: round(percentile(burstLatencies, 99)),
      targetAppliesPerSecond: 2000,
      targetBurstApplyP99Ms: 100,
      auditLogOnlyRowsPerSecond: round(RAW_ROWS / rawSeconds, 0),
      auditRowsVerified: verify.result.checkedRows,
    };
    reportBench({
      name: 'secret-rotation',
      figures,
      summary: `API apply -> KV update p50 ${figures.applyToKvP50Ms} ms, p99 ${figures.applyToKvP99Ms} ms over ${figures.rotations} rotations; ${figures.auditRowsPerSecond} recorded applies/s (${BURST} applies, ${IN_FLIGHT} in flight; target >= 2000: ${figures.auditRowsPerSecond >= 2000 ? 'met' : 'not met'}), apply p50 ${figures.burstApplyP50Ms} ms, p99 ${figures.burstApplyP99Ms} ms (target < 100 ms: ${figures.burstApplyP99Ms < 100 ? 'met' : 'not met'}), ${figures.burstProcessCpuMsPerApply} ms CPU per apply in the service's process (${figures.burstProcessCpuPerWallSecond} CPU-s per s; the sending process ${figures.burstDriverCpuMsPerApply} ms per apply); baseline, the audit log alone: ${figures.auditLogOnlyRowsPerSecond} rows/s (groups of 256); chain verified over ${figures.auditRowsVerified} rows`,
    });
  } finally {
    await bucket.stop();
    await commands.close();
    await service.close();
    await nats.stop();
    await db.drop();
  }
}

interface DriverResult {
  seconds: number;
  latencies: number[];
  driverCpuSeconds: number;
}

/** Sends the requests in `file` with `inFlight` outstanding from a child process; its timings come back. */
function runDriver(natsUrl: string, file: string, inFlight: number): Promise<DriverResult> {
  const child = fork(process.argv[1], ['--driver', natsUrl, file, String(inFlight)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: DriverResult | { error: string }) =>
      'error' in m ? reject(new Error(m.error)) : resolve(m),
    );
    child.once('exit', (code) => reject(new Error(`apply driver exited with ${code}`)));
  });
}

async function driver(natsUrl: string, file: string, inFlight: number): Promise<void> {
  Logger.overrideLogger(false); // the NATS client's status lines are not the bench's output
  const requests = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[];
  const commands = new Commands(natsUrl);
  try {
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < requests.length) {
          const i = next++;
          const sent = performance.now();
          const r = await commands.send(Subjects.secrets.apply, requests[i]);
          if (!r.ok) throw new Error(`apply failed: ${r.error.message}`);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    process.send!({
      seconds,
      latencies,
      driverCpuSeconds: (cpu.user + cpu.system) / 1e6,
    } satisfies DriverResult);
  } catch (e) {
    process.send!({ error: (e as Error).message });
  } finally {
    await commands.close();
  }
}

if (process.argv[2] === '--driver') {
  await driver(process.argv[3], process.argv[4], Number(process.argv[5]));
  process.disconnect();
} else {
  await main();
}
