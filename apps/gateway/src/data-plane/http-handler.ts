import { bestServerNameMatch, stripPort, type RoutableRequest, type RouteTable } from '#keyway/routing';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import { verifiedClientCertificate } from './client-certificate.js';
import { localReply, type AnyResponse } from './local-reply.js';
import { forward, PayloadTooLargeError, type AnyRequest } from './proxy.js';
import type { Upstreams } from './upstreams.js';

/** What a request handler knows about the filter chain its connection came in on. */
export interface ChainContext {
  listener: string;
  chain: string;
  scheme: 'http' | 'https';
  /** The chain's server_names; a request for another host was sent on the wrong connection (421). */
  serverNames: readonly string[];
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

export function createRequestHandler(
  ctx: ChainContext,
  deps: HandlerDeps,
): (req: AnyRequest, res: AnyResponse) => void {
  return (req, res) => {
    res.once('finish', () =>
      deps.metrics.downstreamRequests.inc({ listener: ctx.listener, code: String(res.statusCode) }),
    );
    handle(ctx, deps, req, res).catch((e: unknown) => {
      if (e instanceof PayloadTooLargeError) return localReply(res, 413, 'payload too large');
      deps.logger.error({ err: e, listener: ctx.listener, chain: ctx.chain }, 'request failed');
      localReply(res, 500, 'internal error');
    });
  };
}

async function handle(
  ctx: ChainContext,
  deps: HandlerDeps,
  req: AnyRequest,
  res: AnyResponse,
): Promise<void> {
  const sent = String(req.headers[':authority'] ?? req.headers.host ?? '');
  const authority = ctx.stripAnyHostPort ? stripPort(sent) : sent;
  const path = req.url ?? '/';
  if (!authority) return localReply(res, 400, 'missing host');
  if (ctx.serverNames.length > 0 && bestServerNameMatch(ctx.serverNames, stripPort(authority)) < 0) {
    // The connection's certificate and policy belong to another host: ask for a new connection.
    return localReply(res, 421, 'misdirected request');
  }
  const table = ctx.routes();
  if (!table) return localReply(res, 404);
  const request: RoutableRequest = {
    authority,
    path,
    method: req.method ?? 'GET',
    scheme: ctx.scheme,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    },
  };
  const random = deps.random ?? Math.random;
  const decision = table.route(request, random());
  switch (decision.kind) {
    case 'not-found':
      return localReply(res, 404);
    case 'redirect':
      return localReply(res, decision.status, '', { location: ctx.localRedirect(decision.location) });
    case 'direct': {
      const body = decision.body ?? Buffer.alloc(0);
      if (res.headersSent) return;
      res.writeHead(decision.status, {
        ...(body.length ? { 'content-type': 'text/plain' } : {}),
        'content-length': String(body.length),
      });
      res.end(body);
      return;
    }
    case 'forward':
      return forward({
        req,
        res,
        decision,
        cluster: deps.upstreams.get(decision.cluster),
        authority,
        scheme: ctx.scheme,
        originalPath: path,
        metrics: deps.metrics,
        random,
        // HTTP/2 requests reach their TLS socket through the session.
        clientCertificate:
          ctx.scheme === 'https'
            ? verifiedClientCertificate(
                (req as { stream?: { session?: { socket?: unknown } } }).stream?.session?.socket ??
                  req.socket,
              )
            : undefined,
      });
  }
}
