import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import {
  ensureNats,
  freePort,
  freeSuitePorts,
  startSuite,
  type RunningService,
  type RunningSuite,
} from '#keyway/infra';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (never through a shell), feeding stdin. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<CommandResult> {
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

export interface WalkthroughSuite {
  suite: RunningSuite;
  workDir: string;
  /** `keyway ...` as a user types it, against this suite. */
  keyway(args: string[], stdin?: string): Promise<CommandResult>;
  stop(): Promise<void>;
}

/**
 * The whole suite as separate processes, hermetic: its own nats-server on a free port (so no other
 * test's state in the shared buckets reaches it), a throwaway database, free ports everywhere.
 */
export async function startWalkthroughSuite(): Promise<WalkthroughSuite> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-'));
  const workDir = path.join(stateDir, 'work');
  fs.mkdirSync(workDir);
  const natsUrl = `nats://127.0.0.1:${await freePort()}`;
  let nats: RunningService | undefined;
  let db: ThrowawayDatabase | undefined;
  try {
    nats = await ensureNats(natsUrl, stateDir, () => undefined);
    db = await createThrowawayDatabase('keyway_e2e');
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
        run(process.execPath, [bin, ...args], { env: suite.cliEnv, stdin, cwd: workDir }),
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
