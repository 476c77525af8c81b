import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allEnv } from '#keyway/config';
import {
  freeSuitePorts,
  provisionDatabaseRoles,
  startSuite,
  type DatabaseRoles,
  type RunningSuite,
} from '#keyway/infra';
import { createThrowawayDatabase, type ThrowawayDatabase } from './infrastructure.js';
import { privateNats, type PrivateNats } from './private-nats.js';

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (never through a shell), feeding stdin. */
export function runProgram(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...allEnv(), ...options.env }, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A program that exits without reading its input (curl, openssl) makes this write fail with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

export interface HermeticSuite {
  suite: RunningSuite;
  /** The suite's NATS (one user per service, no anonymous access). */
  nats: PrivateNats;
  /** The NATS server's refusals so far (each a Publish or Subscription Violation line of its log). */
  busViolations(): string[];
  /** A scratch folder the CLI runs in (certificates, manifests). */
  workDir: string;
  /** `keyway ...` as a user types it, against this suite. */
  keyway(args: string[], stdin?: string): Promise<ProgramResult>;
  stop(): Promise<void>;
}

/**
 * The whole keyway suite as separate processes, isolated from everything else on the machine: its
 * own nats-server on a free port (no other test's state in the fixed-name buckets), a throwaway
 * database, free ports everywhere. For the walkthrough e2e test and the gateway benchmarks.
 */
export async function startHermeticSuite(
  prefix = 'keyway-suite',
  options: { serviceEnv?: Partial<Record<string, Record<string, string>>> } = {},
): Promise<HermeticSuite> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const workDir = path.join(stateDir, 'work');
  fs.mkdirSync(workDir);
  let nats: PrivateNats | undefined;
  let db: ThrowawayDatabase | undefined;
  let roles: DatabaseRoles | undefined;
  try {
    // As in production: each service is its own NATS user, with only its permissions.
    const bus = (nats = await privateNats(`${prefix}-nats`, { usersPerService: true }));
    const natsUrl = bus.url;
    db = await createThrowawayDatabase(prefix.replace(/[^a-z0-9]+/g, '_'));
    // As in production: each service is its own Postgres role; the schemas belong to the owner.
    roles = await provisionDatabaseRoles(db.url, db.name);
    const start = async () =>
      startSuite({
        natsUrl,
        databaseUrl: db!.url,
        stateDir,
        ports: await freeSuitePorts(),
        root: process.cwd(),
        natsUsers: bus.users,
        databaseRoles: roles,
        auditExport: true,
        serviceEnv: options.serviceEnv,
      });
    // A free port can be taken by another test between being picked and being listened on: once,
    // start again on other ports (startSuite stops what it started when a service fails).
    const suite = await start().catch((e: Error) => {
      if (!/EADDRINUSE/.test(e.message)) throw e;
      return start();
    });
    const bin = path.resolve('bin/keyway.mjs');
    return {
      suite,
      nats: bus,
      busViolations: () =>
        fs
          .readFileSync(bus.logFile, 'utf8')
          .split('\n')
          .filter((l) => / Violation - /.test(l)),
      workDir,
      keyway: (args, stdin) =>
        runProgram(process.execPath, [bin, ...args], { env: suite.cliEnv, stdin, cwd: workDir }),
      async stop() {
        await suite.stop();
        await nats?.stop();
        await db?.drop();
        await roles?.drop();
        fs.rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await nats?.stop();
    await db?.drop();
    await roles?.drop().catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
}
