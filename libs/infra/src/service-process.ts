import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { allEnv } from '#keyway/config';
import { InfraError } from './endpoint.js';

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Runs one compiled keyway app (`dist/apps/<app>/src/main.js`) as its own process, logging to a file. */
export function startServiceProcess(
  app: string,
  env: Record<string, string>,
  logDir: string,
  root = process.cwd(),
): ServiceProcess {
  const entry = path.join(root, 'dist', 'apps', app, 'src', 'main.js');
  if (!fs.existsSync(entry)) throw new InfraError(`${entry} is missing: run npm run build`);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${app}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [entry], {
    stdio: ['ignore', fd, fd],
    env: { ...inheritedEnv(), ...env },
    cwd: root,
  });
  fs.closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: app,
    child,
    logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
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
