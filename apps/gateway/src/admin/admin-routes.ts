import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';

export type AdminRoute = (
  req: IncomingMessage,
) => Promise<{ status: number; body: unknown; contentType?: string }>;

/** One data plane worker as /workers reports it. */
export interface WorkerReport {
  index: number;
  pid: number;
  /** Serves every listener's latest configuration. */
  ready: boolean;
  /** Connections its listeners accepted since it started. */
  connections: number;
  /** Whether it answered this report in time (a worker in the primary's own process always does). */
  answered: boolean;
  /** Why it did not. */
  error?: string;
}

export interface AdminSource {
  isReady(): boolean;
  workers(): WorkerReport[] | Promise<WorkerReport[]>;
  /** Sync in-process; a gateway with workers asks one of them. */
  configDump(): Record<string, unknown> | Promise<Record<string, unknown>>;
  certificates(): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * Envoy-style admin endpoints, mounted on the ops server next to /healthz, /readyz and /metrics.
 * `/ready` answers LIVE once LDS and CDS arrived and every listener is warm.
 */
export function adminRoutes(source: AdminSource, metrics: Registry): Record<string, AdminRoute> {
  return {
    '/ready': async () =>
      source.isReady()
        ? { status: 200, body: 'LIVE\n', contentType: 'text/plain' }
        : { status: 503, body: 'PRE_INITIALIZING\n', contentType: 'text/plain' },
    '/config_dump': async () => ({ status: 200, body: await source.configDump() }),
    '/certs': async () => ({ status: 200, body: await source.certificates() }),
    // Envoy reports per-worker listener stats (worker_<n>); this is the cheap view of the same.
    '/workers': async () => ({ status: 200, body: { workers: await source.workers() } }),
    '/stats': async () => ({ status: 200, body: await metrics.metrics(), contentType: metrics.contentType }),
  };
}
