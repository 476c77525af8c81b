import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import type { Registry } from 'prom-client';
import { adminRoutes } from './admin/admin-routes.js';
import type { GatewayConfig } from './config.js';
import { TicketKeyRotation } from './data-plane/session-tickets.js';
import { Gateway } from './gateway.js';
import { parsePortMap } from './model/port-map.js';
import { xdsConnection } from './xds-connection.js';

export { xdsTransport } from './xds-connection.js';

/**
 * The gateway process with one data plane in it (GATEWAY_WORKERS=1): data plane, admin/ops port and
 * the ADS stream, started and stopped together.
 */
export class GatewayRuntime {
  readonly metrics: Registry;
  readonly health = new HealthRegistry();
  readonly gateway: Gateway;
  readonly #tickets: TicketKeyRotation;
  #ops?: OpsServer;
  #adminPort?: number;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {
    this.metrics = createMetricsRegistry('gateway');
    this.#tickets = new TicketKeyRotation(config.GATEWAY_SESSION_TICKET_ROTATION_SECONDS, (keys) =>
      this.gateway.setTicketKeys(keys),
    );
    this.gateway = new Gateway({
      logger,
      metrics: this.metrics,
      portMap: parsePortMap(config.GATEWAY_PORT_MAP),
      bindAddress: config.GATEWAY_BIND_ADDRESS,
      ticketKeys: this.#tickets.keys,
    });
    this.health.register('xds', () =>
      this.gateway.xds?.connected
        ? { ok: true }
        : { ok: false, detail: `not connected to ${config.XDS_ADDRESS}` },
    );
    this.health.register('listeners', () =>
      this.gateway.isReady()
        ? { ok: true }
        : { ok: false, detail: 'waiting for LDS/CDS or warming listeners' },
    );
  }

  get adminPort(): number | undefined {
    return this.#adminPort;
  }

  async start(): Promise<void> {
    const c = this.config;
    this.#ops = new OpsServer({
      port: c.OPS_PORT,
      host: c.ADMIN_HOST,
      health: this.health,
      metrics: this.metrics,
      routes: adminRoutes(this.gateway, this.metrics),
    });
    this.#adminPort = await this.#ops.start();
    this.#tickets.start();
    const xds = xdsConnection(c, this.logger);
    this.gateway.connect(xds);
    this.logger.info(
      { node: xds.identity.id, xds: c.XDS_ADDRESS, admin: this.#adminPort },
      'gateway started',
    );
  }

  async stop(): Promise<void> {
    this.#tickets.stop();
    await this.gateway.close();
    await this.#ops?.stop();
    this.#ops = undefined;
  }
}
