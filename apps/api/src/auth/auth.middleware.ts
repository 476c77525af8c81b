import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import {
  ADMIN_TOKEN,
  ANONYMOUS_RATE_LIMITER,
  LOGGER,
  METRICS,
  RATE_LIMITER,
  TOKEN_STORE,
  REQUEST_LOG,
} from '../tokens.js';
import { actorName, bearerToken, sameSecret, type Principal } from './principal.js';
import type { TokenBucketLimiter } from './rate-limiter.js';
import type { RequestLog } from '../audit/request-log.js';
import type { TokenStore } from './token-store.js';

/** express's request, as far as keyway uses it (express's types are not installed). */
export type AuthedRequest = IncomingMessage & { originalUrl: string; principal?: Principal };
type Response = ServerResponse;
type NextFunction = (err?: unknown) => void;

const PUBLIC_PATHS = new Set(['/openapi.json', '/docs']);
/** The OpenAPI document, its page and the web console's static files (apps/console) need no token. */
const isPublic = (path: string) => PUBLIC_PATHS.has(path) || path === '/ui' || path.startsWith('/ui/');

/**
 * Authenticates every request (admin bootstrap token or a stored token), applies the caller's
 * rate limit, and records the request with its actor once answered. Never logs the token.
 */
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  constructor(
    @Inject(TOKEN_STORE) private readonly store: TokenStore,
    @Inject(REQUEST_LOG) private readonly requests: RequestLog,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
    @Inject(RATE_LIMITER) private readonly limiter: TokenBucketLimiter,
    @Inject(ANONYMOUS_RATE_LIMITER) private readonly anonymous: TokenBucketLimiter,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Registry,
  ) {
    // Labelled by method and status only: paths carry names and would grow without bound.
    this.#requests = new Counter({
      name: 'keyway_api_requests_total',
      help: 'API requests answered, by method and status',
      labelNames: ['method', 'status'],
      registers: [metrics],
    });
    this.#latency = new Histogram({
      name: 'keyway_api_request_seconds',
      help: 'API request latency',
      labelNames: ['method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [metrics],
    });
  }

  readonly #requests: Counter<'method' | 'status'>;
  readonly #latency: Histogram<'method'>;

  async use(req: AuthedRequest, res: Response, next: NextFunction): Promise<void> {
    const started = performance.now();
    const path = req.originalUrl.split('?')[0];
    res.on('finish', () => {
      const p = req.principal;
      const entry = {
        actor: p ? actorName(p) : 'anonymous',
        team: p?.kind === 'token' ? p.team : undefined,
        method: req.method ?? 'GET',
        path,
        status: res.statusCode,
        durationMs: performance.now() - started,
      };
      this.logger.info(entry, 'request');
      this.#requests.inc({ method: entry.method, status: String(entry.status) });
      this.#latency.observe({ method: entry.method }, entry.durationMs / 1000);
      this.requests
        .record(entry)
        .catch((e: Error) => this.logger.warn({ err: e.message }, 'request log write failed'));
    });
    // Fail closed, as Vault does: no request is served that its audit device could not record.
    const refusing = this.requests.refusing();
    if (refusing && !isPublic(path))
      return deny(res, 503, 'unavailable', `the audit device cannot be written: ${refusing}`);
    // ACME (RFC 8555) requests carry a JWS instead of a token; the acme module bounds them itself.
    if (path.startsWith('/acme/')) return next();
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      // Without a token, the client address is the only identity: bound what it can ask for.
      const decision = this.anonymous.take(`address:${req.socket.remoteAddress ?? 'unknown'}`);
      if (!decision.allowed) {
        res.setHeader('retry-after', String(decision.retryAfterSeconds));
        return deny(res, 429, 'rate_limited', `rate limit exceeded; retry in ${decision.retryAfterSeconds}s`);
      }
      if (isPublic(path)) return next();
      return deny(res, 401, 'unauthorized', 'an API token is required: Authorization: Bearer <token>');
    }
    if (isPublic(path)) return next();
    let principal: Principal;
    if (sameSecret(token, this.adminToken)) principal = { kind: 'admin', name: 'admin' };
    else {
      const found = await this.store.lookup(token, new Date()).catch((e: Error) => {
        this.logger.error({ err: e.message }, 'token lookup failed');
        return undefined;
      });
      if (!found)
        return deny(res, 503, 'unavailable', 'cannot check the token: the api database is unavailable');
      if (!found.ok)
        return deny(
          res,
          401,
          'unauthorized',
          `the token is ${found.reason === 'unknown' ? 'not valid' : found.reason}`,
        );
      principal = found.principal;
    }
    req.principal = principal;
    const decision = this.limiter.take(principal.kind === 'admin' ? 'admin' : principal.tokenId);
    res.setHeader('x-ratelimit-remaining', String(decision.remaining));
    if (!decision.allowed) {
      res.setHeader('retry-after', String(decision.retryAfterSeconds));
      return deny(res, 429, 'rate_limited', `rate limit exceeded; retry in ${decision.retryAfterSeconds}s`);
    }
    next();
  }
}

function deny(res: Response, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ code, message }));
}
