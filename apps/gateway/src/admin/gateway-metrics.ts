import { Counter, Gauge, type Aggregator, type Registry } from 'prom-client';
import { HotCounter } from './hot-counter.js';

/** The gateway's Prometheus series, named like Envoy's stats where one exists. */
export class GatewayMetrics {
  readonly downstreamConnections: HotCounter<'listener'>;
  readonly workerConnections: HotCounter<'listener' | 'worker'>;
  readonly downstreamRequests: HotCounter<'listener' | 'code'>;
  readonly tlsHandshakes: HotCounter<'listener' | 'chain'>;
  readonly tlsHandshakeErrors: Counter<'listener' | 'chain' | 'reason'>;
  readonly noFilterChain: Counter<'listener'>;
  readonly upstreamRequests: HotCounter<'cluster' | 'code'>;
  readonly upstreamFailures: Counter<'cluster' | 'reason'>;
  readonly upstreamRetries: Counter<'cluster'>;
  readonly xdsUpdates: Counter<'type' | 'result'>;
  readonly certificateExpiry: Gauge<'secret'>;
  readonly listenerActive: Gauge<'listener'>;

  constructor(registry: Registry) {
    // With several workers the admin port sums each series over the workers (prom-client's
    // aggregation); series every worker counts alike (xDS, certificates) are reported once instead.
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      aggregator: Aggregator = 'sum',
    ) =>
      new Counter<L>({ name: `keyway_gateway_${name}`, help, labelNames, registers: [registry], aggregator });
    // Counted for every connection or request: plain numbers until scraped.
    const hot = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new HotCounter<L>(registry, `keyway_gateway_${name}`, help, labelNames);
    this.downstreamConnections = hot('downstream_cx_total', 'Connections accepted per listener', [
      'listener',
    ]);
    this.workerConnections = hot(
      'worker_downstream_cx_total',
      'Connections accepted per listener by each data plane worker (Envoy: listener.<address>.worker_<n>.downstream_cx_total)',
      ['listener', 'worker'],
    );
    this.downstreamRequests = hot('downstream_rq_total', 'Requests answered per listener and status code', [
      'listener',
      'code',
    ]);
    this.tlsHandshakes = hot('ssl_handshake_total', 'Completed TLS handshakes per filter chain', [
      'listener',
      'chain',
    ]);
    this.tlsHandshakeErrors = counter(
      'ssl_connection_error_total',
      'Failed TLS handshakes and refused client certificates',
      ['listener', 'chain', 'reason'],
    );
    this.noFilterChain = counter('no_filter_chain_match_total', 'Connections no filter chain matched', [
      'listener',
    ]);
    this.upstreamRequests = hot('upstream_rq_total', 'Upstream responses per cluster and status code', [
      'cluster',
      'code',
    ]);
    this.upstreamFailures = counter('upstream_rq_failure_total', 'Upstream attempts that got no response', [
      'cluster',
      'reason',
    ]);
    this.upstreamRetries = counter('upstream_rq_retry_total', 'Upstream retries', ['cluster']);
    this.xdsUpdates = counter(
      'xds_update_total',
      'xDS responses applied (ack) or rejected (nack) per type',
      ['type', 'result'],
      'first',
    );
    this.certificateExpiry = new Gauge({
      name: 'keyway_gateway_certificate_expiry_timestamp_seconds',
      help: 'notAfter of each served certificate',
      labelNames: ['secret'],
      registers: [registry],
      aggregator: 'first',
    });
    this.listenerActive = new Gauge({
      name: 'keyway_gateway_listener_active',
      help: '1 when the listener serves, 0 while it warms',
      labelNames: ['listener'],
      registers: [registry],
      // Serving only where every worker serves.
      aggregator: 'min',
    });
  }
}
