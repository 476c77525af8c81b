import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BUS_USERS, natsAuthorizationConfig, type BusUser } from '#keyway/contracts';
import { hostPortOf, InfraError, isListening, waitUntilListening } from './endpoint.js';
import { installOsPackage } from './os-package.js';
import type { Report, RunningService } from './running-service.js';

const CANDIDATES = [
  'nats-server',
  '/usr/sbin/nats-server',
  '/usr/bin/nats-server',
  '/usr/local/bin/nats-server',
];

function findNatsServer(): string | undefined {
  for (const c of CANDIDATES) {
    const r = spawnSync(c, ['--version'], { stdio: 'ignore' });
    if (r.status === 0) return c;
  }
  return undefined;
}

/** Each keyway service's NATS user name and password. */
export type NatsUsers = Record<BusUser, { user: string; password: string }>;

/**
 * Passwords for every service's NATS user, made once per state folder (mode 0600) so a NATS started
 * again on the same folder lets the running services back in.
 */
export function localNatsUsers(stateDir: string): NatsUsers {
  const file = path.join(stateDir, 'nats-users.json');
  const known = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<NatsUsers>) : {};
  const users = Object.fromEntries(
    BUS_USERS.map((u) => [u, known[u] ?? { user: u, password: randomBytes(24).toString('base64url') }]),
  ) as NatsUsers;
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  return users;
}

export interface NatsOptions {
  /** Start the server with one user per service and its permissions (libs/contracts nats-permissions.ts). */
  users?: NatsUsers;
}

/**
 * Reuses NATS at `url` when it answers; otherwise starts nats-server there with JetStream under
 * `stateDir` (with `users`: only those users, each with its service's permissions).
 */
export async function ensureNats(
  url: string,
  stateDir: string,
  report: Report,
  options: NatsOptions = {},
): Promise<RunningService> {
  const target = hostPortOf(url, 4222);
  if (await isListening(target)) {
    report(`NATS: reusing ${target.host}:${target.port} (its own users and permissions apply)`);
    return { name: 'nats', url, started: false, pid: undefined, stop: async () => undefined };
  }
  let binary = findNatsServer();
  if (!binary && installOsPackage('nats-server', report)) binary = findNatsServer();
  if (!binary) {
    throw new InfraError(
      `NATS is not listening at ${target.host}:${target.port} and nats-server is not installed. ` +
        `Install it (Debian/Ubuntu: apt-get install nats-server) or set NATS_URL to a running server.`,
    );
  }
  const dataDir = path.join(stateDir, 'nats');
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(stateDir, 'nats.log');
  const args = ['-a', target.host, '-p', String(target.port), '-js', '-sd', dataDir, '-l', logFile];
  const users = options.users;
  if (users) {
    const conf = path.join(stateDir, 'nats-authorization.conf');
    fs.writeFileSync(
      conf,
      natsAuthorizationConfig((u) => ({ literal: users[u].password })),
      { mode: 0o600 },
    );
    args.push('-c', conf);
  }
  const child: ChildProcess = spawn(binary, args, {
    stdio: 'ignore',
    detached: false,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilListening(target, 15_000, 'nats-server');
  report(
    `NATS: started nats-server (pid ${child.pid}) on ${target.host}:${target.port}, JetStream in ${dataDir}` +
      (users ? ', one user per service' : ''),
  );
  return {
    name: 'nats',
    url,
    started: true,
    pid: child.pid,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
