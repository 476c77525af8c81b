import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { allEnv } from '#keyway/config';
import { InfraError } from './endpoint.js';
import { RestartPolicy } from './restart-policy.js';

export interface ServiceProcess {
  name: string;
  /** The running child; a supervised service gets a new one after each restart. */
  readonly child: ChildProcess;
  logFile: string;
  /** Times a supervisor started it again after it exited on its own. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export interface Supervision {
  /** Told about each unexpected exit and restart, with the exit cause. */
  report(line: string): void;
  /** Called after each restart (the suite writes its state file for `keyway get pod`). */
  restarted?(proc: ServiceProcess): void;
}

/** Runs `dist/apps/<app>/src/<entry>` to completion (a one-shot step); its output is in the error if it fails. */
export async function runOnce(
  what: string,
  app: string,
  entry: string,
  env: Record<string, string>,
  root = process.cwd(),
): Promise<string> {
  const file = path.join(root, 'dist', 'apps', app, 'src', entry);
  if (!fs.existsSync(file)) throw new InfraError(`${file} is missing: run npm run build`);
  const child = spawn(process.execPath, [file], { env: { ...inheritedEnv(), ...env }, cwd: root });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new InfraError(`${what} exited ${code}: ${output.trim().slice(0, 2000)}`);
  return output.trim();
}

/**
 * Runs one compiled keyway app (`dist/apps/<app>/src/main.js`) as its own process, logging to a file.
 * Supervised, a process that exits without being asked to is started again per RestartPolicy;
 * only stop() ends it.
 */
export function startServiceProcess(
  app: string,
  env: Record<string, string>,
  logDir: string,
  root = process.cwd(),
  supervision?: Supervision,
): ServiceProcess {
  const entry = path.join(root, 'dist', 'apps', app, 'src', 'main.js');
  if (!fs.existsSync(entry)) throw new InfraError(`${entry} is missing: run npm run build`);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${app}.log`);
  const policy = new RestartPolicy();
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const spawnOnce = (): { child: ChildProcess; exited: Promise<void>; startedAt: number } => {
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [entry], {
      stdio: ['ignore', fd, fd],
      env: { ...inheritedEnv(), ...env },
      cwd: root,
    });
    fs.closeSync(fd);
    return {
      child,
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
      startedAt: Date.now(),
    };
  };
  let current = spawnOnce();
  const proc: ServiceProcess = {
    name: app,
    get child() {
      return current.child;
    },
    logFile,
    get restarts() {
      return policy.restarts;
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const { child, exited } = current;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const watch = () => {
    current.child.once('exit', (code, signal) => {
      if (stopping || !supervision) return;
      const delay = policy.onExit(current.startedAt, Date.now());
      supervision.report(
        `${app} exited (${signal ?? `code ${code}`}); restart ${policy.restarts} in ${(delay / 1000).toFixed(1)}s, log ${logFile}`,
      );
      restartTimer = setTimeout(() => {
        if (stopping) return;
        current = spawnOnce();
        watch();
        supervision.report(`${app} restarted (pid ${current.child.pid})`);
        supervision.restarted?.(proc);
      }, delay);
    });
  };
  watch();
  return proc;
}

/** Polls an HTTP readiness URL until it answers 200; fails at once with the log tail if the process died. */
export async function waitReady(proc: ServiceProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new InfraError(`${proc.name} exited with ${proc.child.exitCode}:\n${logTail(proc.logFile)}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new InfraError(
        `${proc.name} not ready at ${url} within ${timeoutMs} ms:\n${logTail(proc.logFile)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The parent's environment minus keyway's own variables, so each service gets only what the suite sets. */
function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(allEnv())) {
    if (v === undefined) continue;
    if (/^(NATS_|DATABASE_URL|HTTP_PORT|OPS_|KEYWAY_|XDS_|GATEWAY_|SECRETS?_|LOG_)/.test(k)) continue;
    out[k] = v;
  }
  return out;
}
