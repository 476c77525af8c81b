import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  connectionId: number;
}

/**
 * A sample upstream like the walkthrough's httpbin: `/status/<code>`, `/delay/<ms>`, `/hello`,
 * anything else echoes the request as JSON. It records every request and connection.
 */
export class UpstreamServer {
  readonly requests: SeenRequest[] = [];
  connections = 0;
  /** Answers the next N requests with this status (for retry tests). */
  failNext: { count: number; status: number } = { count: 0, status: 503 };
  readonly #server: http.Server;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #port = 0;

  constructor(readonly name: string) {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#answer(req, res, Buffer.concat(chunks).toString()));
    });
    this.#server.on('connection', (socket) => {
      this.connections++;
      (socket as { connectionId?: number }).connectionId = this.connections;
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const connectionId = (req.socket as { connectionId?: number }).connectionId ?? 0;
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      connectionId,
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
      connection: 'keep-alive',
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
