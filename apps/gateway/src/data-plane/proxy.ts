import http from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { retryBackOffMs, shouldRetry, type RouteDecision } from '#keyway/routing';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { Endpoint } from '../model/endpoints.js';
import type { ForwardedClientCert } from './client-certificate.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.js';
import { localReply, type AnyResponse } from './local-reply.js';
import type { UpstreamCluster } from './upstreams.js';

export type AnyRequest = http.IncomingMessage | Http2ServerRequest;
type Forward = Extract<RouteDecision, { kind: 'forward' }>;

/** Bodies up to this size are buffered so a retry can resend them (Envoy's default buffer limit is 1 MiB). */
const RETRY_BUFFER_LIMIT = 1024 * 1024;

export interface ForwardInput {
  req: AnyRequest;
  res: AnyResponse;
  decision: Forward;
  cluster: UpstreamCluster | undefined;
  authority: string;
  scheme: 'http' | 'https';
  originalPath: string;
  metrics: GatewayMetrics;
  random?: () => number;
  /** The verified client certificate of the downstream connection (mTLS), if any. */
  clientCertificate?: ForwardedClientCert;
}

type Attempt =
  | { kind: 'response'; response: http.IncomingMessage }
  | { kind: 'failure'; failure: 'connect' | 'reset' | 'timeout'; detail: string };

/**
 * Sends a routed request to its cluster: round-robin endpoint, keep-alive pool, the route's
 * timeout over all attempts, and its retry policy (per-try timeout, back-off). Replies 503 without
 * endpoints or when every attempt failed, 504 when the route timeout expires first.
 */
export async function forward(input: ForwardInput): Promise<void> {
  const { req, res, decision, cluster, metrics } = input;
  if (!cluster) return localReply(res, 503, 'no healthy upstream');
  const retry = decision.retry;
  const body = retry ? await bufferForRetry(req) : undefined;
  const retryable = retry !== undefined && body !== undefined;
  const random = input.random ?? Math.random;
  let current: http.ClientRequest | undefined;
  let timedOut = false;
  const routeTimer = decision.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        current?.destroy(new Error('route timeout'));
      }, decision.timeoutMs)
    : undefined;
  const downstreamGone = () => current?.destroy(new Error('downstream closed'));
  res.on('close', downstreamGone);
  try {
    const attempts = retryable ? 1 + retry.numRetries : 1;
    for (let n = 0; n < attempts; n++) {
      if (timedOut) return localReply(res, 504, 'upstream request timeout');
      const endpoint = cluster.pick(random);
      if (!endpoint) return localReply(res, 503, 'no healthy upstream');
      const outcome = await attempt(input, endpoint, body, (r) => (current = r));
      if (responseGone(res)) {
        if (outcome.kind === 'response') outcome.response.destroy();
        return;
      }
      if (timedOut) {
        if (outcome.kind === 'response') outcome.response.resume();
        metrics.upstreamFailures.inc({ cluster: cluster.plan.name, reason: 'timeout' });
        return localReply(res, 504, 'upstream request timeout');
      }
      const last = n === attempts - 1;
      if (outcome.kind === 'response') {
        const status = outcome.response.statusCode ?? 502;
        metrics.upstreamRequests.inc({ cluster: cluster.plan.name, code: String(status) });
        if (!last && retryable && shouldRetry(retry, { status })) {
          outcome.response.resume();
          metrics.upstreamRetries.inc({ cluster: cluster.plan.name });
          await delay(retryBackOffMs(retry, n, random()));
          continue;
        }
        return relay(outcome.response, res);
      }
      metrics.upstreamFailures.inc({ cluster: cluster.plan.name, reason: outcome.failure });
      if (!last && retryable && shouldRetry(retry, { failure: outcome.failure })) {
        metrics.upstreamRetries.inc({ cluster: cluster.plan.name });
        await delay(retryBackOffMs(retry, n, random()));
        continue;
      }
      if (outcome.failure === 'timeout') return localReply(res, 504, 'upstream request timeout');
      return localReply(
        res,
        503,
        `upstream connect error or disconnect/reset before headers. reset reason: ${outcome.failure === 'connect' ? 'connection failure' : 'connection termination'}`,
      );
    }
  } finally {
    if (routeTimer) clearTimeout(routeTimer);
    res.off('close', downstreamGone);
  }
}

function attempt(
  input: ForwardInput,
  endpoint: Endpoint,
  body: Buffer | undefined,
  track: (r: http.ClientRequest) => void,
): Promise<Attempt> {
  const { req, decision, cluster } = input;
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const done = (a: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(tryTimer);
      resolve(a);
    };
    const headers = upstreamRequestHeaders({
      headers: req.headers,
      host:
        decision.hostRewrite ??
        (decision.autoHostRewrite ? `${endpoint.host}:${endpoint.port}` : input.authority),
      scheme: input.scheme,
      remoteAddress: req.socket?.remoteAddress,
      originalPath: decision.path !== input.originalPath ? input.originalPath : undefined,
      clientCertificate: input.clientCertificate,
    });
    if (body !== undefined) {
      delete headers['transfer-encoding'];
      if (body.length > 0 || req.headers['content-length'] !== undefined)
        headers['content-length'] = String(body.length);
    }
    const upstream = http.request({
      host: endpoint.host,
      port: endpoint.port,
      method: req.method,
      path: decision.path,
      headers,
      agent: cluster!.agent,
    });
    track(upstream);
    const connectTimer = setTimeout(
      () =>
        !connected && upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNTIMEOUT' })),
      cluster!.plan.connectTimeoutMs,
    );
    const perTry = decision.retry?.perTryTimeoutMs;
    const tryTimer = perTry
      ? setTimeout(
          () => upstream.destroy(Object.assign(new Error('per-try timeout'), { code: 'EPERTRY' })),
          perTry,
        )
      : undefined;
    upstream.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    upstream.on('response', (response) => done({ kind: 'response', response }));
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPERTRY' || e.message === 'route timeout')
        return done({ kind: 'failure', failure: 'timeout', detail: e.message });
      done({ kind: 'failure', failure: connected ? 'reset' : 'connect', detail: e.message });
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}

function relay(upstream: http.IncomingMessage, res: AnyResponse): void {
  res.writeHead(upstream.statusCode ?? 502, downstreamResponseHeaders(upstream.headers));
  upstream.pipe(res as NodeJS.WritableStream);
  upstream.on('error', () => res.destroy());
  upstream.on('aborted', () => res.destroy());
  res.on('close', () => {
    if (!upstream.complete) upstream.destroy();
  });
}

function responseGone(res: AnyResponse): boolean {
  return 'stream' in res ? res.stream.destroyed : res.destroyed;
}

/** Reads the request body when it is small enough to resend; undefined means "stream it, no retries". */
async function bufferForRetry(req: AnyRequest): Promise<Buffer | undefined> {
  const length = Number(req.headers['content-length'] ?? NaN);
  const chunked =
    req.headers['transfer-encoding'] !== undefined ||
    (req.httpVersionMajor === 2 && !req.readableEnded && Number.isNaN(length));
  if (!chunked && (Number.isNaN(length) || length === 0)) return Buffer.alloc(0);
  if (length > RETRY_BUFFER_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > RETRY_BUFFER_LIMIT) throw new PayloadTooLargeError();
  }
  return Buffer.concat(chunks);
}

export class PayloadTooLargeError extends Error {
  constructor() {
    super('request body exceeds the retry buffer');
    this.name = 'PayloadTooLargeError';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
