import net, { type Socket } from 'node:net';
import { pickWeighted } from '#keyway/routing';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ChainPlan } from '../model/listener-plan.js';
import { ConnectionSet, type ChainRuntime } from './chain-runtime.js';
import type { Upstreams } from './upstreams.js';

/**
 * TLS passthrough (and plain TCP): the bytes go to a cluster endpoint untouched, ClientHello
 * first, so the upstream terminates TLS with its own certificate.
 */
export class TcpProxyChain implements ChainRuntime {
  readonly #connections = new ConnectionSet();

  constructor(
    readonly plan: ChainPlan,
    private readonly upstreams: Upstreams,
    private readonly metrics: GatewayMetrics,
    private readonly random: () => number = Math.random,
  ) {}

  get openConnections(): number {
    return this.#connections.size;
  }

  accept(downstream: Socket, head: Buffer): void {
    this.#connections.add(downstream);
    const app = this.plan.app;
    const clusterName = app.kind === 'tcp' ? pickWeighted(app.clusters, this.random()) : undefined;
    const cluster = clusterName ? this.upstreams.get(clusterName) : undefined;
    const endpoint = cluster?.pick(this.random);
    if (!cluster || !endpoint) {
      this.metrics.upstreamFailures.inc({ cluster: clusterName ?? '', reason: 'no_healthy_upstream' });
      downstream.destroy();
      return;
    }
    const upstream = net.connect({ host: endpoint.host, port: endpoint.port });
    this.#connections.add(upstream);
    const connectTimer = setTimeout(
      () => upstream.destroy(new Error('connect timeout')),
      cluster.plan.connectTimeoutMs,
    );
    upstream.once('connect', () => {
      clearTimeout(connectTimer);
      upstream.write(head);
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    });
    upstream.on('error', () => {
      clearTimeout(connectTimer);
      this.metrics.upstreamFailures.inc({ cluster: cluster.plan.name, reason: 'connect' });
      downstream.destroy();
    });
    downstream.on('error', () => upstream.destroy());
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  }

  refresh(): void {}

  destroy(): void {
    this.#connections.destroyAll();
  }
}
