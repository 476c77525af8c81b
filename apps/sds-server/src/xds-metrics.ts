import type { ProxyRecord } from '#keyway/contracts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { proxyStatus } from './proxy-registry.js';

export interface XdsMetrics {
  connectedStreams: Gauge<'protocol'>;
  connectedProxies: Gauge;
  pushes: Counter<'type'>;
  pushLatency: Histogram<'type'>;
  nacks: Counter<'type'>;
  authzFailures: Counter<'reason'>;
  deniedNames: Counter<'type'>;
}

export function createXdsMetrics(registry: Registry): XdsMetrics {
  const registers = [registry];
  return {
    connectedStreams: new Gauge({
      name: 'keyway_xds_streams',
      help: 'Open xDS streams by protocol',
      labelNames: ['protocol'],
      registers,
    }),
    connectedProxies: new Gauge({
      name: 'keyway_xds_connected_proxies',
      help: 'Distinct connected proxies',
      registers,
    }),
    pushes: new Counter({
      name: 'keyway_xds_pushes_total',
      help: 'xDS responses written',
      labelNames: ['type'],
      registers,
    }),
    pushLatency: new Histogram({
      name: 'keyway_xds_push_latency_seconds',
      help: 'From a bucket update arriving to the response being written',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    nacks: new Counter({
      name: 'keyway_xds_nacks_total',
      help: 'NACKs received',
      labelNames: ['type'],
      registers,
    }),
    authzFailures: new Counter({
      name: 'keyway_xds_authz_failures_total',
      help: 'Streams refused or requests dropped by authorization',
      labelNames: ['reason'],
      registers,
    }),
    deniedNames: new Counter({
      name: 'keyway_xds_denied_names_total',
      help: 'Requested resource names dropped because another namespace owns them',
      labelNames: ['type'],
      registers,
    }),
  };
}

/** `envoy.extensions.transport_sockets.tls.v3.Secret` -> `Secret`: short label values. */
export function typeLabel(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

/**
 * Proxies of this replica holding something other than the latest version (sent, not yet ACKed:
 * STALE; refused: NACKED), computed at scrape time. The "proxy not in sync for 5 minutes" alert
 * reads it.
 */
export function registerProxySyncGauge(registry: Registry, records: () => ProxyRecord[]): void {
  new Gauge({
    name: 'keyway_xds_proxies_not_synced',
    help: 'Connected proxies with a resource type not at the latest version, by status (STALE, NACKED)',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = { STALE: 0, NACKED: 0 };
      for (const entry of proxyStatus(records())) {
        const statuses = Object.values(entry.types).map((t) => t.status);
        if (statuses.includes('NACKED')) counts.NACKED += 1;
        else if (statuses.includes('STALE')) counts.STALE += 1;
      }
      this.set({ status: 'STALE' }, counts.STALE);
      this.set({ status: 'NACKED' }, counts.NACKED);
    },
  });
}
