import { TypeUrl } from '#keyway/envoy-api';
import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import { AdsClient, buildNode, WILDCARD } from '#keyway/xds-client';
import type { Registry } from 'prom-client';
import { adminRoutes, type AdminSource, type WorkerReport } from './admin/admin-routes.js';
import type { GatewayConfig } from './config.js';
import { TicketKeyRotation } from './data-plane/session-tickets.js';
import { WorkerPool } from './workers/worker-pool.js';
import { xdsConnection } from './xds-connection.js';

/**
 * The gateway process with GATEWAY_WORKERS > 1: this primary holds the one ADS stream (one proxy
 * to the control plane, however many workers), the admin/ops port and the session ticket keys; the
 * data plane runs in the workers, each applying every response before it is ACKed.
 */
export class GatewayPrimaryRuntime implements AdminSource {
  readonly metrics: Registry;
  readonly health = new HealthRegistry();
  readonly pool: WorkerPool;
  readonly #tickets: TicketKeyRotation;
  #xds?: AdsClient;
  #ops?: OpsServer;
  #adminPort?: number;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
    entry: string,
  ) {
    this.metrics = createMetricsRegistry('gateway');
    this.pool = new WorkerPool({
      count: config.GATEWAY_WORKERS,
      adminQueryTimeoutMs: config.GATEWAY_ADMIN_QUERY_TIMEOUT_MS,
      entry,
      logger,
      onWorkerLost: () => {
        // One process, as Envoy is one: losing a worker ends the gateway, and its supervisor restarts it.
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      },
    });
    this.#tickets = new TicketKeyRotation(config.GATEWAY_SESSION_TICKET_ROTATION_SECONDS, (keys) =>
      this.pool.setTicketKeys(keys),
    );
    this.health.register('xds', () =>
      this.#xds?.connected ? { ok: true } : { ok: false, detail: `not connected to ${config.XDS_ADDRESS}` },
    );
    this.health.register('listeners', () =>
      this.pool.isReady()
        ? { ok: true }
        : { ok: false, detail: 'waiting for LDS/CDS or warming listeners in every worker' },
    );
  }

  get adminPort(): number | undefined {
    return this.#adminPort;
  }

  isReady(): boolean {
    return this.pool.isReady();
  }

  async configDump(): Promise<Record<string, unknown>> {
    const dump = await this.pool.query('config-dump');
    return { ...dump, xds: this.#xds?.status() ?? [], workers: this.pool.status() };
  }

  certificates(): Promise<Record<string, unknown>> {
    return this.pool.query('certificates');
  }

  workers(): Promise<WorkerReport[]> {
    return this.pool.workers();
  }

  async start(): Promise<void> {
    const c = this.config;
    // The admin port shows the whole gateway: the primary's series with every worker's summed in.
    const stats = Object.create(this.metrics) as Registry;
    stats.metrics = async () => (await this.pool.metrics(this.metrics)).metrics();
    this.#ops = new OpsServer({
      port: c.OPS_PORT,
      host: c.ADMIN_HOST,
      health: this.health,
      metrics: stats,
      routes: adminRoutes(this, stats),
    });
    this.#adminPort = await this.#ops.start();
    await this.pool.start(this.#tickets.keys);
    this.#tickets.start();
    const { identity, ...options } = xdsConnection(c, this.logger);
    const client = new AdsClient({ ...options, node: buildNode(identity), subscriber: this.pool });
    client.subscribe(TypeUrl.Cluster, WILDCARD);
    client.subscribe(TypeUrl.Listener, WILDCARD);
    this.pool.onSubscriptions((typeUrl, names) => client.subscribe(typeUrl, names));
    client.start();
    this.#xds = client;
    this.logger.info(
      { node: identity.id, xds: c.XDS_ADDRESS, admin: this.#adminPort, workers: this.pool.pids() },
      'gateway started',
    );
  }

  async stop(): Promise<void> {
    this.#tickets.stop();
    await this.#xds?.close();
    this.#xds = undefined;
    await this.pool.close();
    await this.#ops?.stop();
    this.#ops = undefined;
  }
}
