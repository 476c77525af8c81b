import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, type Registry } from 'prom-client';
import type { HealthRegistry } from './health.js';

const READINESS_METRIC = 'keyway_readiness_check_up';

export interface OpsServerOptions {
  port: number;
  host?: string;
  health: HealthRegistry;
  metrics: Registry;
  /** Extra read-only routes a service exposes next to health (e.g. the gateway's /certs). */
  routes?: Record<
    string,
    (req: http.IncomingMessage) => Promise<{ status: number; body: unknown; contentType?: string }>
  >;
}

/**
 * `/healthz` (liveness), `/readyz` (NATS, Postgres, ...), `/metrics` (Prometheus) on their own port,
 * for every service including those with no HTTP API of their own.
 */
export class OpsServer {
  #server?: http.Server;

  constructor(private readonly options: OpsServerOptions) {
    exportReadiness(options.metrics, options.health);
  }

  async start(): Promise<number> {
    // The handler's promise is never left floating: every path ends in a reply, errors included.
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { health, metrics, routes = {} } = this.options;
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz') return send(res, 200, { status: 'ok' });
      if (path === '/readyz') {
        const report = await health.report();
        return send(res, report.status === 'ok' ? 200 : 503, report);
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(await metrics.metrics());
        return;
      }
      const route = routes[path];
      if (route) {
        const out = await route(req);
        if (out.contentType && typeof out.body === 'string') {
          res.writeHead(out.status, { 'content-type': out.contentType });
          res.end(out.body);
          return;
        }
        return send(res, out.status, out.body);
      }
      send(res, 404, { error: `no route ${path}` });
    } catch (e) {
      send(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Each readiness check as a gauge (1 ok, 0 failing), asked at scrape time: alerts such as "audit
 * writer failing" read what /readyz says without a probe of their own.
 */
function exportReadiness(registry: Registry, health: HealthRegistry): void {
  if (registry.getSingleMetric(READINESS_METRIC)) return;
  new Gauge({
    name: READINESS_METRIC,
    help: 'Readiness checks of this process (/readyz), 1 when passing',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const report = await health.report();
      this.reset();
      for (const [check, result] of Object.entries(report.checks)) this.set({ check }, result.ok ? 1 : 0);
    },
  });
}
