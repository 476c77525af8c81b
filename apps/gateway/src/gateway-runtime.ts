import fs from 'node:fs';
import { PrivateKeyPem } from '#keyway/key-material';
import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import { adsTarget, istioRouterNodeId, type XdsTransport } from '#keyway/xds-client';
import type { Registry } from 'prom-client';
import { adminRoutes } from './admin/admin-routes.js';
import type { GatewayConfig } from './config.js';
import { Gateway } from './gateway.js';
import { parsePortMap } from './model/port-map.js';

/** The gateway process: data plane, admin/ops port and the ADS stream, started and stopped together. */
export class GatewayRuntime {
  readonly metrics: Registry;
  readonly health = new HealthRegistry();
  readonly gateway: Gateway;
  #ops?: OpsServer;
  #adminPort?: number;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {
    this.metrics = createMetricsRegistry('gateway');
    this.gateway = new Gateway({
      logger,
      metrics: this.metrics,
      portMap: parsePortMap(config.GATEWAY_PORT_MAP),
      bindAddress: config.GATEWAY_BIND_ADDRESS,
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
    const identity = {
      id: istioRouterNodeId(c.GATEWAY_POD_IP, c.GATEWAY_POD_NAME, c.GATEWAY_NAMESPACE),
      namespace: c.GATEWAY_NAMESPACE,
      labels: c.GATEWAY_LABELS,
      ...(c.REPLICA_ID ? { metadata: { REPLICA_ID: c.REPLICA_ID } } : {}),
    };
    this.gateway.connect({
      target: adsTarget(c.XDS_ADDRESS),
      transport: xdsTransport(c),
      identity,
      token: c.XDS_TOKEN ? () => c.XDS_TOKEN : undefined,
      backoff: { initialMs: c.XDS_BACKOFF_INITIAL_MS, maxMs: c.XDS_BACKOFF_MAX_MS },
      onEvent: (e) => {
        if (e.kind === 'nack')
          this.logger.warn({ typeUrl: e.typeUrl, version: e.version, reason: e.message }, 'xDS NACK sent');
        else if (e.kind === 'ack')
          this.logger.info({ typeUrl: e.typeUrl, version: e.version }, 'xDS ACK sent');
        else if (e.kind === 'disconnected')
          this.logger.warn(
            { reason: e.reason, retryInMs: e.retryInMs },
            'xDS stream lost; serving the last configuration',
          );
      },
    });
    this.logger.info({ node: identity.id, xds: c.XDS_ADDRESS, admin: this.#adminPort }, 'gateway started');
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    await this.#ops?.stop();
    this.#ops = undefined;
  }
}

/** Plaintext (token auth) unless a CA file is given; mTLS when a client certificate and key are too. */
export function xdsTransport(c: GatewayConfig): XdsTransport {
  if (!c.XDS_CA_FILE) return { kind: 'insecure' };
  if (Boolean(c.XDS_CERT_FILE) !== Boolean(c.XDS_KEY_FILE))
    throw new Error('XDS_CERT_FILE and XDS_KEY_FILE go together');
  return {
    kind: 'tls',
    ca: fs.readFileSync(c.XDS_CA_FILE, 'utf8'),
    ...(c.XDS_CERT_FILE && c.XDS_KEY_FILE
      ? {
          certificateChain: fs.readFileSync(c.XDS_CERT_FILE, 'utf8'),
          privateKey: new PrivateKeyPem(fs.readFileSync(c.XDS_KEY_FILE, 'utf8')),
        }
      : {}),
    serverName: c.XDS_SERVER_NAME,
  };
}
