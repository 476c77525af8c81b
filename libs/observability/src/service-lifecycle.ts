import type { FactoryProvider, InjectionToken, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { HealthRegistry, type HealthCheck } from './health.js';
import type { Logger } from './logger.js';
import { OpsServer } from './ops-server.js';

/**
 * What one keyway service opens at start and closes at stop; its module states only this, and
 * `ServiceLifecycle` keeps the order every service shares:
 *  start: `prepare` (what must be done before readiness can be claimed), then the ops server
 *         (/healthz, /readyz from `health`, /metrics on OPS_PORT), then `start`, then one "ready" line;
 *  stop:  the ops server first (probes and scrapes stop at once, so the pod leaves its Service before
 *         its connections close), then `stop`'s steps in order, each run even when one before it
 *         failed (logged by name), then one "stopped" line.
 */
export interface ServiceSkeleton {
  service: string;
  logger: Logger;
  /** The ops server; absent where the runtime serves its own (sds-server, gateway) or in tests. */
  ops?: { port: number; host?: string; metrics: Registry };
  /** Readiness checks by name (undefined entries are skipped). */
  health?: Record<string, HealthCheck | undefined>;
  prepare?: () => Promise<unknown>;
  /** Runs after the ops server listens; may register checks known only once started. */
  start?: (health: HealthRegistry) => Promise<unknown>;
  stop?: ReadonlyArray<readonly [step: string, run: () => unknown]>;
}

export class ServiceLifecycle implements OnModuleInit, OnApplicationShutdown {
  #ops?: OpsServer;

  constructor(readonly skeleton: ServiceSkeleton) {}

  async onModuleInit(): Promise<void> {
    const s = this.skeleton;
    await s.prepare?.();
    const health = new HealthRegistry();
    for (const [name, check] of Object.entries(s.health ?? {})) if (check) health.register(name, check);
    let port: number | undefined;
    if (s.ops) {
      this.#ops = new OpsServer({ port: s.ops.port, host: s.ops.host, health, metrics: s.ops.metrics });
      port = await this.#ops.start();
    }
    await s.start?.(health);
    s.logger.info(port === undefined ? {} : { port }, `${s.service} ready`);
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.skeleton;
    const steps: Array<readonly [string, () => unknown]> = [
      ['ops server', () => this.#ops?.stop()],
      ...(s.stop ?? []),
    ];
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (e) {
        s.logger.error({ step, err: (e as Error).message }, `${s.service}: a shutdown step failed`);
      }
    }
    s.logger.info(`${s.service} stopped`);
  }
}

/**
 * The Nest provider of a service's lifecycle: `skeleton` receives the injected tokens, in order, and
 * says what the service opens and closes. Nest calls the hooks of factory-made instances too.
 */
export function serviceLifecycle(
  inject: InjectionToken[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module's skeleton takes its own injected types, in `inject`'s order
  skeleton: (...deps: any[]) => ServiceSkeleton,
): FactoryProvider<ServiceLifecycle> {
  return {
    provide: ServiceLifecycle,
    inject,
    useFactory: (...deps) => new ServiceLifecycle(skeleton(...deps)),
  };
}
