import http from 'node:http';
import http2, {
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import net, { type AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  connectionId: number;
  /** '1.1', or '2.0' for a request that came over HTTP/2 (prior knowledge, h2c). */
  httpVersion: string;
}

type AnyRequest = http.IncomingMessage | Http2ServerRequest;
type AnyResponse = http.ServerResponse | Http2ServerResponse;

/** The client connection preface of HTTP/2 over cleartext with prior knowledge (RFC 9113 3.4) starts so. */
const HTTP2_PREFACE = 'PRI ';

/**
 * A sample upstream like the walkthrough's httpbin: `/status/<code>`, `/delay/<ms>`, `/hello`,
 * anything else echoes the request as JSON. It records every request and connection, and speaks
 * HTTP/1.1 or, to a client that opens with the HTTP/2 preface, HTTP/2 on the same port.
 */
export class UpstreamServer {
  readonly requests: SeenRequest[] = [];
  connections = 0;
  /** Answers the next N requests with this status (for retry tests). */
  failNext: { count: number; status: number } = { count: 0, status: 503 };
  readonly #server: http.Server;
  readonly #http2: http2.Http2Server;
  readonly #front: net.Server;
  readonly #sessions = new Set<ServerHttp2Session>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #port = 0;

  constructor(readonly name: string) {
    const serve = (req: AnyRequest, res: AnyResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#answer(req, res, Buffer.concat(chunks).toString()));
    };
    this.#server = http.createServer(serve);
    this.#http2 = http2.createServer(serve);
    this.#http2.on('session', (session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
    });
    const count = (socket: net.Socket) => {
      this.connections++;
      (socket as { connectionId?: number }).connectionId = this.connections;
    };
    this.#server.on('connection', count);
    this.#http2.on('connection', count);
    // One port for both: the first bytes say which protocol the client speaks.
    this.#front = net.createServer((socket) => {
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        const h2 = first.subarray(0, HTTP2_PREFACE.length).toString('latin1') === HTTP2_PREFACE;
        if (h2) return void this.#http2.emit('connection', socket);
        this.#server.emit('connection', socket);
        socket.resume();
      });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#front.listen(0, '127.0.0.1', () => resolve()));
    this.#port = (this.#front.address() as AddressInfo).port;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server.closeAllConnections();
    for (const s of this.#sessions) s.destroy();
    await new Promise<void>((resolve) => this.#front.close(() => resolve()));
  }

  #answer(req: AnyRequest, res: AnyResponse, body: string): void {
    const connectionId = (req.socket as { connectionId?: number }).connectionId ?? 0;
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      connectionId,
      httpVersion: req.httpVersion,
    });
    const url = req.url ?? '/';
    if (this.failNext.count > 0) {
      this.failNext.count--;
      res.writeHead(this.failNext.status).end();
      return;
    }
    const status = /^\/status\/(\d{3})/.exec(url);
    if (status) {
      res
        .writeHead(Number(status[1]), { 'x-upstream': this.name })
        .end(Number(status[1]) === 418 ? "I'm a teapot" : '');
      return;
    }
    const delay = /^\/delay\/(\d+)/.exec(url);
    if (delay) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        res.writeHead(200, { 'x-upstream': this.name }).end('late');
      }, Number(delay[1]));
      this.#timers.add(timer);
      return;
    }
    if (url.startsWith('/hello')) {
      res
        .writeHead(200, { 'content-type': 'text/plain', 'x-upstream': this.name })
        .end(`Hello version: ${this.name}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-upstream': this.name,
      'x-http-version': req.httpVersion,
      // HTTP/2 has no connection header.
      ...(req.httpVersionMajor === 1 ? { connection: 'keep-alive' } : {}),
    });
    res.end(
      JSON.stringify({
        upstream: this.name,
        method: req.method,
        url,
        host: req.headers.host,
        headers: req.headers,
        body,
      }),
    );
  }
}
