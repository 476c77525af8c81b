import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';

export type AdminRoute = (
  req: IncomingMessage,
) => Promise<{ status: number; body: unknown; contentType?: string }>;

export interface AdminSource {
  isReady(): boolean;
  configDump(): Record<string, unknown>;
  certificates(): Record<string, unknown>;
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
    '/config_dump': async () => ({ status: 200, body: source.configDump() }),
    '/certs': async () => ({ status: 200, body: source.certificates() }),
    '/stats': async () => ({ status: 200, body: await metrics.metrics(), contentType: metrics.contentType }),
  };
}
