import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ensureNats,
  freePort,
  freeSuitePorts,
  startSuite,
  type RunningService,
  type RunningSuite,
} from '#keyway/infra';
import { createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';

export interface BenchSuite {
  suite: RunningSuite;
  workDir: string;
  keyway(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** The whole keyway suite as separate processes, on its own NATS and a throwaway database. */
export async function startBenchSuite(): Promise<BenchSuite> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-bench-'));
  const workDir = path.join(stateDir, 'work');
  fs.mkdirSync(workDir);
  const natsUrl = `nats://127.0.0.1:${await freePort()}`;
  let nats: RunningService | undefined;
  let db: ThrowawayDatabase | undefined;
  try {
    nats = await ensureNats(natsUrl, stateDir, () => undefined);
    db = await createThrowawayDatabase('keyway_bench');
    const suite = await startSuite({
      natsUrl,
      databaseUrl: db.url,
      stateDir,
      ports: await freeSuitePorts(),
      root: process.cwd(),
    });
    const bin = path.resolve('bin/keyway.mjs');
    return {
      suite,
      workDir,
      keyway: (args, stdin) =>
        runProgram(process.execPath, [bin, ...args], { env: suite.cliEnv, stdin, cwd: workDir }),
      async stop() {
        await suite.stop();
        await nats?.stop();
        await db?.drop();
        fs.rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await nats?.stop();
    await db?.drop();
    throw e;
  }
}

export function runProgram(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export async function mustRun(
  p: Promise<{ code: number; stdout: string; stderr: string }>,
  what: string,
): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** CPU seconds (user + system) a process and its threads have used, from /proc. */
export function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}
