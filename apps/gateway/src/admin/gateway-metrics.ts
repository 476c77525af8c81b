import { Counter, Gauge, type Registry } from 'prom-client';

/** The gateway's Prometheus series, named like Envoy's stats where one exists. */
export class GatewayMetrics {
  readonly downstreamConnections: Counter<'listener'>;
  readonly downstreamRequests: Counter<'listener' | 'code'>;
  readonly tlsHandshakes: Counter<'listener' | 'chain'>;
  readonly tlsHandshakeErrors: Counter<'listener' | 'chain' | 'reason'>;
  readonly noFilterChain: Counter<'listener'>;
  readonly upstreamRequests: Counter<'cluster' | 'code'>;
  readonly upstreamFailures: Counter<'cluster' | 'reason'>;
  readonly upstreamRetries: Counter<'cluster'>;
  readonly xdsUpdates: Counter<'type' | 'result'>;
  readonly certificateExpiry: Gauge<'secret'>;
  readonly listenerActive: Gauge<'listener'>;

  constructor(registry: Registry) {
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name: `keyway_gateway_${name}`, help, labelNames, registers: [registry] });
    this.downstreamConnections = counter('downstream_cx_total', 'Connections accepted per listener', [
      'listener',
    ]);
    this.downstreamRequests = counter(
      'downstream_rq_total',
      'Requests answered per listener and status code',
      ['listener', 'code'],
    );
    this.tlsHandshakes = counter('ssl_handshake_total', 'Completed TLS handshakes per filter chain', [
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
    this.upstreamRequests = counter('upstream_rq_total', 'Upstream responses per cluster and status code', [
      'cluster',
      'code',
    ]);
    this.upstreamFailures = counter('upstream_rq_failure_total', 'Upstream attempts that got no response', [
      'cluster',
      'reason',
    ]);
    this.upstreamRetries = counter('upstream_rq_retry_total', 'Upstream retries', ['cluster']);
    this.xdsUpdates = counter('xds_update_total', 'xDS responses applied (ack) or rejected (nack) per type', [
      'type',
      'result',
    ]);
    this.certificateExpiry = new Gauge({
      name: 'keyway_gateway_certificate_expiry_timestamp_seconds',
      help: 'notAfter of each served certificate',
      labelNames: ['secret'],
      registers: [registry],
    });
    this.listenerActive = new Gauge({
      name: 'keyway_gateway_listener_active',
      help: '1 when the listener serves, 0 while it warms',
      labelNames: ['listener'],
      registers: [registry],
    });
  }
}
