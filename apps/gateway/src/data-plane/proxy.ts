import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { ClientHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import { retryBackOffMs, shouldRetry, type RouteDecision } from '#keyway/routing';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { Endpoint } from '../model/endpoints.js';
import type { ForwardedClientCert } from './client-certificate.js';
import type { Exchange } from './exchange.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.js';
import { localReply } from './local-reply.js';
import type { UpstreamCluster } from './upstreams.js';

type Forward = Extract<RouteDecision, { kind: 'forward' }>;

/** Bodies up to this size are buffered so a retry can resend them (Envoy's default buffer limit is 1 MiB). */
const RETRY_BUFFER_LIMIT = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export interface ForwardInput {
  exchange: Exchange;
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

/** An upstream response, from an HTTP/1.1 connection or an HTTP/2 stream. */
interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

type Attempt =
  | { kind: 'response'; response: UpstreamResponse }
  | { kind: 'failure'; failure: 'connect' | 'reset' | 'timeout'; detail: string };

/** What a route or downstream timeout cancels: the attempt in flight. */
interface Cancellable {
  destroy(error?: Error): void;
}

/**
 * Sends a routed request to its cluster: round-robin endpoint, keep-alive pools (HTTP/1.1, or HTTP/2
 * when the cluster says so), the route's timeout over all attempts, and its retry policy (per-try
 * timeout, back-off). Replies 503 without endpoints or when every attempt failed, 504 when the route
 * timeout expires first.
 */
export async function forward(input: ForwardInput): Promise<void> {
  const { exchange, decision, cluster, metrics } = input;
  if (!cluster) return localReply(exchange, 503, 'no healthy upstream');
  const retry = decision.retry;
  const body = retry ? await bufferForRetry(exchange) : undefined;
  const retryable = retry !== undefined && body !== undefined;
  const random = input.random ?? Math.random;
  let current: Cancellable | undefined;
  let timedOut = false;
  const routeTimer = decision.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        current?.destroy(new Error('route timeout'));
      }, decision.timeoutMs)
    : undefined;
  const downstreamGone = () => current?.destroy(new Error('downstream closed'));
  exchange.onClose(downstreamGone);
  try {
    const attempts = retryable ? 1 + retry.numRetries : 1;
    for (let n = 0; n < attempts; n++) {
      if (timedOut) return localReply(exchange, 504, 'upstream request timeout');
      const endpoint = cluster.pick(random);
      if (!endpoint) return localReply(exchange, 503, 'no healthy upstream');
      const send = useHttp2(cluster, exchange) ? attemptHttp2 : attemptHttp1;
      const outcome = await send(input, cluster, endpoint, body, (r) => (current = r));
      if (exchange.gone) {
        if (outcome.kind === 'response') outcome.response.body.destroy();
        return;
      }
      if (timedOut) {
        if (outcome.kind === 'response') discard(outcome.response.body);
        metrics.upstreamFailures.inc({ cluster: cluster.plan.name, reason: 'timeout' });
        return localReply(exchange, 504, 'upstream request timeout');
      }
      const last = n === attempts - 1;
      if (outcome.kind === 'response') {
        const status = outcome.response.status;
        metrics.upstreamRequests.inc({ cluster: cluster.plan.name, code: String(status) });
        if (!last && retryable && shouldRetry(retry, { status })) {
          discard(outcome.response.body);
          metrics.upstreamRetries.inc({ cluster: cluster.plan.name });
          await delay(retryBackOffMs(retry, n, random()));
          continue;
        }
        return relay(outcome.response, exchange);
      }
      metrics.upstreamFailures.inc({ cluster: cluster.plan.name, reason: outcome.failure });
      if (!last && retryable && shouldRetry(retry, { failure: outcome.failure })) {
        metrics.upstreamRetries.inc({ cluster: cluster.plan.name });
        await delay(retryBackOffMs(retry, n, random()));
        continue;
      }
      if (outcome.failure === 'timeout') return localReply(exchange, 504, 'upstream request timeout');
      return localReply(
        exchange,
        503,
        `upstream connect error or disconnect/reset before headers. reset reason: ${outcome.failure === 'connect' ? 'connection failure' : 'connection termination'}`,
      );
    }
  } finally {
    if (routeTimer) clearTimeout(routeTimer);
    exchange.offClose(downstreamGone);
  }
}

function useHttp2(cluster: UpstreamCluster, exchange: Exchange): boolean {
  const protocol = cluster.plan.protocol;
  return protocol === 'http2' || (protocol === 'downstream' && exchange.httpVersionMajor === 2);
}

/** The upstream request's headers, Host included (HTTP/2 turns it into :authority). */
function requestHeaders(
  input: ForwardInput,
  endpoint: Endpoint,
  body: Buffer | undefined,
): OutgoingHttpHeaders {
  const { exchange, decision } = input;
  const headers = upstreamRequestHeaders({
    headers: exchange.headers,
    host:
      decision.hostRewrite ??
      (decision.autoHostRewrite ? `${endpoint.host}:${endpoint.port}` : input.authority),
    scheme: input.scheme,
    remoteAddress: exchange.remoteAddress,
    originalPath: decision.path !== input.originalPath ? input.originalPath : undefined,
    clientCertificate: input.clientCertificate,
  });
  if (body !== undefined) {
    delete headers['transfer-encoding'];
    if (body.length > 0 || exchange.headers['content-length'] !== undefined)
      headers['content-length'] = String(body.length);
  }
  return headers;
}

/** `{ name: value | values }` as Node's raw header list `[name, value, name, value, ...]`. */
function headerList(headers: OutgoingHttpHeaders): string[] {
  const list: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) list.push(name, v);
    else list.push(name, String(value));
  }
  return list;
}

/** Classifies an attempt's failure the way Envoy's retry_on and reset reasons do. */
function failureOf(e: NodeJS.ErrnoException, connected: boolean): Attempt {
  if (e.code === 'EPERTRY' || e.message === 'route timeout')
    return { kind: 'failure', failure: 'timeout', detail: e.message };
  return { kind: 'failure', failure: connected ? 'reset' : 'connect', detail: e.message };
}

/**
 * An attempt's outcome, reported once, with its timers cleared. Timers start after the request
 * exists (a request can fail before that, and `done` must not depend on them being set).
 */
class AttemptSettler {
  settled = false;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  tryTimer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly resolve: (a: Attempt) => void) {}

  readonly done = (a: Attempt): void => {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.connectTimer);
    clearTimeout(this.tryTimer);
    this.resolve(a);
  };
}

function perTryTimer(decision: Forward, target: Cancellable): ReturnType<typeof setTimeout> | undefined {
  const perTry = decision.retry?.perTryTimeoutMs;
  return perTry
    ? setTimeout(
        () => target.destroy(Object.assign(new Error('per-try timeout'), { code: 'EPERTRY' })),
        perTry,
      )
    : undefined;
}

function attemptHttp1(
  input: ForwardInput,
  cluster: UpstreamCluster,
  endpoint: Endpoint,
  body: Buffer | undefined,
  track: (r: Cancellable) => void,
): Promise<Attempt> {
  const { exchange, decision } = input;
  return new Promise((resolve) => {
    const attempt = new AttemptSettler(resolve);
    const done = attempt.done;
    let connected = false;
    const options: http.RequestOptions & { servername: string } = {
      host: endpoint.host,
      port: endpoint.port,
      method: exchange.method,
      path: decision.path,
      // As a flat list Node writes the headers as they are instead of validating each one again.
      headers: headerList(requestHeaders(input, endpoint, body)),
      agent: cluster.agent,
      // Plain HTTP: no TLS server name for the agent to work out from Host on every request.
      servername: '',
    };
    const upstream = http.request(options);
    track(upstream);
    attempt.tryTimer = perTryTimer(decision, upstream);
    upstream.on('socket', (socket) => {
      // A pooled connection is connected already: only a new one gets the connect timeout.
      if (!socket.connecting) return void (connected = true);
      attempt.connectTimer = setTimeout(
        () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNTIMEOUT' })),
        cluster.plan.connectTimeoutMs,
      );
      socket.once('connect', () => {
        connected = true;
        clearTimeout(attempt.connectTimer);
      });
    });
    upstream.on('response', (response: IncomingMessage) =>
      done({
        kind: 'response',
        response: { status: response.statusCode ?? 502, headers: response.headers, body: response },
      }),
    );
    upstream.on('error', (e: NodeJS.ErrnoException) => done(failureOf(e, connected)));
    if (body !== undefined) upstream.end(body);
    else if (exchange.bodyless) upstream.end();
    else exchange.body.pipe(upstream);
  });
}

function attemptHttp2(
  input: ForwardInput,
  cluster: UpstreamCluster,
  endpoint: Endpoint,
  body: Buffer | undefined,
  track: (r: Cancellable) => void,
): Promise<Attempt> {
  const { exchange, decision } = input;
  return new Promise((resolve) => {
    const attempt = new AttemptSettler(resolve);
    const done = attempt.done;
    const session = cluster.http2.session(endpoint);
    let connected = !session.connecting;
    const headers = requestHeaders(input, endpoint, body);
    headers[':method'] = exchange.method;
    headers[':path'] = decision.path;
    headers[':scheme'] = 'http';
    headers[':authority'] = headers.host;
    delete headers.host;
    const endStream = body === undefined ? exchange.bodyless : body.length === 0;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream });
    } catch (e) {
      // A session that went away between the pool's check and now (GOAWAY, destroyed).
      return done({ kind: 'failure', failure: 'reset', detail: (e as Error).message });
    }
    track(stream);
    attempt.tryTimer = perTryTimer(decision, stream);
    if (!connected) {
      attempt.connectTimer = setTimeout(
        () => stream.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNTIMEOUT' })),
        cluster.plan.connectTimeoutMs,
      );
      session.once('connect', () => {
        connected = true;
        clearTimeout(attempt.connectTimer);
      });
    }
    stream.once('response', (responseHeaders) =>
      done({
        kind: 'response',
        response: {
          status: Number(responseHeaders[':status'] ?? 502),
          headers: responseHeaders,
          body: stream,
        },
      }),
    );
    stream.on('error', (e: NodeJS.ErrnoException) => done(failureOf(e, connected)));
    stream.once('close', () => {
      if (!attempt.settled)
        done({
          kind: 'failure',
          failure: connected ? 'reset' : 'connect',
          detail: `stream reset (${stream.rstCode})`,
        });
    });
    if (endStream) return;
    if (body !== undefined) stream.end(body);
    else exchange.body.pipe(stream);
  });
}

function relay(upstream: UpstreamResponse, exchange: Exchange): void {
  const { status, headers, body } = upstream;
  // Nothing follows the headers: answer with END_STREAM (HTTP/2) or an empty body at once.
  const empty =
    exchange.method === 'HEAD' ||
    status === 204 ||
    status === 304 ||
    headers['content-length'] === '0' ||
    body.readableEnded;
  // An upstream that resets mid-body resets the downstream too; an error never goes unhandled.
  body.on('error', empty ? noop : () => exchange.abort());
  exchange.relay(status, downstreamResponseHeaders(headers), body, empty);
  if (empty) return;
  body.on('aborted', () => exchange.abort());
  exchange.onClose(() => {
    if (!finished(body)) body.destroy();
  });
}

/** Reads a response nobody relays to its end, so its connection can serve the next request. */
function discard(body: Readable): void {
  body.on('error', noop);
  body.resume();
}

function finished(body: Readable): boolean {
  return (body as Partial<IncomingMessage>).complete === true || body.readableEnded;
}

/** Reads the request body when it is small enough to resend; undefined means "stream it, no retries". */
async function bufferForRetry(exchange: Exchange): Promise<Buffer | undefined> {
  if (exchange.bodyless) return EMPTY;
  const length = Number(exchange.headers['content-length'] ?? NaN);
  if (length > RETRY_BUFFER_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of exchange.body as AsyncIterable<Buffer>) {
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

function noop(): void {}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
