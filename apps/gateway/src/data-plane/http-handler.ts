import { bestServerNameMatch, stripPort, type RoutableRequest, type RouteTable } from '#keyway/routing';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import { verifiedClientCertificate } from './client-certificate.js';
import type { Exchange } from './exchange.js';
import { localReply } from './local-reply.js';
import { forward, PayloadTooLargeError } from './proxy.js';
import type { Upstreams } from './upstreams.js';

/** What a request handler knows about the filter chain its connection came in on. */
export interface ChainContext {
  listener: string;
  chain: string;
  scheme: 'http' | 'https';
  /** The chain's server_names; a request for another host was sent on the wrong connection (421). */
  serverNames: readonly string[];
  /** The chain asks for client certificates: a verified one is forwarded (x-forwarded-client-cert). */
  clientCertificates: boolean;
  /** The chain's route table, read per request so RDS updates apply at once. */
  routes(): RouteTable | undefined;
  /**
   * HCM's strip_any_host_port: the port leaves Host before routing and forwarding, whether the
   * routes came inline or over RDS (Envoy applies it in the connection manager, not the table).
   */
  stripAnyHostPort: boolean;
  /** Where a redirect to a scheme's default port lands locally (443 -> SECURE_INGRESS_PORT). */
  localRedirect(location: string): string;
}

export interface HandlerDeps {
  upstreams: Upstreams;
  metrics: GatewayMetrics;
  logger: Logger;
  random?: () => number;
}

export type RequestHandler = (exchange: Exchange) => void;

const NO_BODY = Buffer.alloc(0);

export function createRequestHandler(ctx: ChainContext, deps: HandlerDeps): RequestHandler {
  return (exchange) => {
    handle(ctx, deps, exchange).catch((e: unknown) => {
      if (e instanceof PayloadTooLargeError) return localReply(exchange, 413, 'payload too large');
      deps.logger.error({ err: e, listener: ctx.listener, chain: ctx.chain }, 'request failed');
      localReply(exchange, 500, 'internal error');
    });
  };
}

/** Counts each response by listener and status (`keyway_gateway_downstream_rq_total`). */
export function responseCounter(metrics: GatewayMetrics, listener: string): (status: number) => void {
  const byStatus = new Map<number, { inc(): void }>();
  return (status) => {
    let counter = byStatus.get(status);
    if (!counter) {
      counter = metrics.downstreamRequests.series({ listener, code: String(status) });
      byStatus.set(status, counter);
    }
    counter.inc();
  };
}

async function handle(ctx: ChainContext, deps: HandlerDeps, exchange: Exchange): Promise<void> {
  const sent = exchange.authority;
  const authority = ctx.stripAnyHostPort ? stripPort(sent) : sent;
  const path = exchange.path;
  if (!authority) return localReply(exchange, 400, 'missing host');
  if (ctx.serverNames.length > 0 && bestServerNameMatch(ctx.serverNames, stripPort(authority)) < 0) {
    // The connection's certificate and policy belong to another host: ask for a new connection.
    return localReply(exchange, 421, 'misdirected request');
  }
  const table = ctx.routes();
  if (!table) return localReply(exchange, 404);
  const headers = exchange.headers;
  const request: RoutableRequest = {
    authority,
    path,
    method: exchange.method,
    scheme: ctx.scheme,
    header: (name) => {
      const v = headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    },
  };
  const random = deps.random ?? Math.random;
  const decision = table.route(request, random());
  switch (decision.kind) {
    case 'not-found':
      return localReply(exchange, 404);
    case 'redirect':
      return localReply(exchange, decision.status, '', { location: ctx.localRedirect(decision.location) });
    case 'direct': {
      const body = decision.body ?? NO_BODY;
      if (exchange.headersSent) return;
      exchange.respond(
        decision.status,
        {
          ...(body.length ? { 'content-type': 'text/plain' } : {}),
          'content-length': String(body.length),
        },
        body,
      );
      return;
    }
    case 'forward':
      return forward({
        exchange,
        decision,
        cluster: deps.upstreams.get(decision.cluster),
        authority,
        scheme: ctx.scheme,
        originalPath: path,
        metrics: deps.metrics,
        random,
        clientCertificate: ctx.clientCertificates ? verifiedClientCertificate(exchange.tlsSocket) : undefined,
      });
  }
}
