import { TypeUrl } from '#keyway/envoy-api';
import type { Logger } from '#keyway/observability';
import {
  AdsClient,
  buildNode,
  WILDCARD,
  type AdsClientOptions,
  type ApplyResult,
  type NodeIdentityOptions,
  type XdsSubscriber,
  type XdsUpdate,
} from '#keyway/xds-client';
import type { Registry } from 'prom-client';
import type { AdminSource, WorkerReport } from './admin/admin-routes.js';
import { certificatesReport } from './admin/certs.js';
import { configDump } from './admin/config-dump.js';
import { GatewayMetrics } from './admin/gateway-metrics.js';
import { ListenerManager } from './data-plane/listener-manager.js';
import { newTicketKeys, type SessionTicketKeys } from './data-plane/session-tickets.js';
import { Upstreams } from './data-plane/upstreams.js';
import { DEFAULT_PORT_MAP, type PortMap } from './model/port-map.js';
import { ResourceStore } from './xds/resource-store.js';
import { XdsApplier } from './xds/xds-applier.js';

export interface GatewayOptions {
  logger: Logger;
  metrics: Registry;
  /** Listener port -> bound port; 443->8443 and 80->8080 by default. */
  portMap?: PortMap;
  /** Bind every listener here instead of its own address (tests: 127.0.0.1). */
  bindAddress?: string;
  /** How long the TLS inspector waits for a ClientHello. */
  inspectTimeoutMs?: number;
  random?: () => number;
  /** Session ticket keys to start with; fresh ones (one hour) otherwise. */
  ticketKeys?: SessionTicketKeys;
  /** The worker this data plane runs in, for per-worker stats; "0" when it is the only one. */
  worker?: string;
}

export type XdsConnectionOptions = Omit<AdsClientOptions, 'subscriber' | 'node'> & {
  identity: NodeIdentityOptions;
};

/**
 * keyway's gateway: a data plane configured only by what arrives over xDS. Feed it decoded
 * resources with `onUpdate` (tests, or any xDS client), or let `connect` run an ADS stream.
 */
export class Gateway implements XdsSubscriber, AdminSource {
  readonly store = new ResourceStore();
  readonly upstreams = new Upstreams();
  readonly listeners: ListenerManager;
  readonly metrics: GatewayMetrics;
  readonly #applier: XdsApplier;
  #xds?: AdsClient;

  constructor(private readonly options: GatewayOptions) {
    this.metrics = new GatewayMetrics(options.metrics);
    this.listeners = new ListenerManager({
      portMap: options.portMap ?? DEFAULT_PORT_MAP,
      bindAddress: options.bindAddress,
      inspectTimeoutMs: options.inspectTimeoutMs ?? 10_000,
      upstreams: this.upstreams,
      metrics: this.metrics,
      logger: options.logger,
      secrets: (name) => this.store.secrets.get(name)?.value,
      routes: (name) => this.store.routes.get(name)?.value,
      random: options.random,
      ticketKeys: options.ticketKeys ?? newTicketKeys(3600),
      worker: options.worker ?? '0',
    });
    this.#applier = new XdsApplier(this.store, this.listeners, this.upstreams, this.metrics, options.logger);
  }

  /** The Prometheus registry this data plane counts in. */
  get metricsRegistry(): Registry {
    return this.options.metrics;
  }

  /** Applies one xDS response's resources; `{ ok: false }` carries the NACK text. */
  onUpdate(update: XdsUpdate): Promise<ApplyResult> {
    return this.#applier.onUpdate(update);
  }

  /** Session ticket keys for every TLS chain, now and for chains started later. */
  setTicketKeys(keys: SessionTicketKeys): void {
    this.listeners.setTicketKeys(keys);
  }

  /** Where RDS, SDS and EDS subscriptions go when no ADS stream of its own runs (a worker). */
  onSubscriptions(sink: (typeUrl: string, names: string[]) => void): void {
    this.#applier.onSubscriptions(sink);
  }

  /** Starts an ADS stream: wildcard LDS and CDS, then whatever their resources refer to. */
  connect(options: XdsConnectionOptions): AdsClient {
    if (this.#xds) throw new Error('gateway is already connected');
    const { identity, ...rest } = options;
    const client = new AdsClient({ ...rest, node: buildNode(identity), subscriber: this });
    client.subscribe(TypeUrl.Cluster, WILDCARD);
    client.subscribe(TypeUrl.Listener, WILDCARD);
    this.#applier.onSubscriptions((typeUrl, names) => client.subscribe(typeUrl, names));
    client.start();
    this.#xds = client;
    return client;
  }

  /** LDS and CDS arrived and every listener serves its latest configuration. */
  isReady(): boolean {
    return (
      this.store.received.has(TypeUrl.Listener) &&
      this.store.received.has(TypeUrl.Cluster) &&
      this.listeners.allActive()
    );
  }

  get xds(): AdsClient | undefined {
    return this.#xds;
  }

  configDump(): Record<string, unknown> {
    return configDump({
      store: this.store,
      listeners: this.listeners.status(),
      xds: this.#xds?.status() ?? [],
    });
  }

  certificates(): Record<string, unknown> {
    return certificatesReport(this.store);
  }

  /** This data plane as the one worker of its process. */
  workers(): WorkerReport[] {
    return [
      {
        index: Number(this.options.worker ?? 0),
        pid: process.pid,
        ready: this.isReady(),
        connections: this.listeners.connectionsAccepted,
        answered: true,
      },
    ];
  }

  async close(): Promise<void> {
    await this.#xds?.close();
    this.#xds = undefined;
    await this.listeners.close();
    this.upstreams.destroy();
  }
}
