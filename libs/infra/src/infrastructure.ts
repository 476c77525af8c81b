import path from 'node:path';
import { ensureNats } from './nats-server.js';
import { ensurePostgres } from './postgres-server.js';
import type { Report, RunningService } from './running-service.js';

export interface InfrastructureOptions {
  natsUrl: string;
  databaseUrl: string;
  /** `.keyway/` in the project by default. */
  stateDir: string;
  report?: Report;
}

export interface Infrastructure {
  nats: RunningService;
  postgres: RunningService;
  /** Stops what this bring-up started, never what it found running. */
  stop(): Promise<void>;
}

export async function ensureInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const report = options.report ?? (() => undefined);
  const stateDir = path.resolve(options.stateDir);
  const nats = await ensureNats(options.natsUrl, stateDir, report);
  let postgres: RunningService;
  try {
    postgres = await ensurePostgres(options.databaseUrl, stateDir, report);
  } catch (e) {
    await nats.stop();
    throw e;
  }
  return {
    nats,
    postgres,
    async stop() {
      await postgres.stop();
      await nats.stop();
    },
  };
}
