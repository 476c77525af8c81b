import path from 'node:path';
import { ensureNats, localNatsUsers, type NatsUsers } from './nats-server.js';
import { ensurePostgres } from './postgres-server.js';
import { RestartPolicy } from './restart-policy.js';
import type { Report, RunningService } from './running-service.js';

export interface InfrastructureOptions {
  natsUrl: string;
  databaseUrl: string;
  /** `.keyway/` in the project by default. */
  stateDir: string;
  report?: Report;
  /**
   * Start NATS and Postgres again, on their data, when a server this bring-up started exits on its own
   * (npm start); the same backoff as the services (RestartPolicy). Servers found running are not ours.
   */
  supervise?: boolean;
  /**
   * A NATS started here admits only keyway's services, each as its own user with its permissions
   * (libs/contracts nats-permissions.ts). A NATS found running keeps its own configuration.
   */
  natsUsersPerService?: boolean;
}

export interface Infrastructure {
  nats: RunningService;
  /** The services' NATS users when this bring-up started NATS with them (for startSuite). */
  natsUsers?: NatsUsers;
  postgres: RunningService;
  /** Stops what this bring-up started, never what it found running. */
  stop(): Promise<void>;
}

export async function ensureInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const report = options.report ?? (() => undefined);
  const stateDir = path.resolve(options.stateDir);
  const users = options.natsUsersPerService ? localNatsUsers(stateDir) : undefined;
  const natsStart = () => ensureNats(options.natsUrl, stateDir, report, { users });
  const pgStart = () => ensurePostgres(options.databaseUrl, stateDir, report);
  const nats = options.supervise ? await supervised('NATS', natsStart, report) : await natsStart();
  let postgres: RunningService;
  try {
    postgres = options.supervise ? await supervised('Postgres', pgStart, report) : await pgStart();
  } catch (e) {
    await nats.stop();
    throw e;
  }
  return {
    nats,
    natsUsers: nats.started ? users : undefined,
    postgres,
    async stop() {
      await postgres.stop();
      await nats.stop();
    },
  };
}

/**
 * A server this bring-up started, started again when it exits without being stopped. The returned
 * object follows the current process (its pid changes with each restart); stop() ends supervision.
 */
async function supervised(
  what: string,
  start: () => Promise<RunningService>,
  report: Report,
): Promise<RunningService> {
  let current = await start();
  if (!current.started || !current.exited) return current;
  const policy = new RestartPolicy();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const watch = (service: RunningService, startedAt: number) => {
    void service.exited!.then(() => {
      if (stopping) return;
      const delay = policy.onExit(startedAt, Date.now());
      report(
        `${what} exited (pid ${service.pid}); restart ${policy.restarts} in ${(delay / 1000).toFixed(1)}s`,
      );
      timer = setTimeout(() => {
        if (stopping) return;
        start().then(
          (next) => {
            current = next;
            report(`${what} restarted (pid ${next.pid}) on its data`);
            if (next.exited) watch(next, Date.now());
          },
          // Could not start (the port taken meanwhile, the data unreadable): say so and try again.
          (e: Error) => {
            report(`${what} did not restart: ${e.message}`);
            watch({ ...service, exited: Promise.resolve() }, Date.now());
          },
        );
      }, delay);
    });
  };
  watch(current, Date.now());
  return {
    get name() {
      return current.name;
    },
    get url() {
      return current.url;
    },
    started: true,
    get pid() {
      return current.pid;
    },
    get exited() {
      return current.exited;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await current.stop();
    },
  };
}
