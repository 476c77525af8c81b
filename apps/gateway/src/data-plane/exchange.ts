import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants as h2, type ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';

/**
 * One request and its response, over HTTP/1.1 or an HTTP/2 stream: all routing and the proxy see.
 * HTTP/2 is served on the core stream API rather than Node's compatibility layer, which builds a
 * request and a response stream object for every stream.
 */
export interface Exchange {
  readonly httpVersionMajor: 1 | 2;
  readonly method: string;
  /** `:path` or the request target, with its query string. */
  readonly path: string;
  /** `:authority` (HTTP/2, else Host) or Host, as sent; '' when absent. */
  readonly authority: string;
  /** Request headers (HTTP/2 pseudo headers included). */
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  /** The TLS connection the request arrived on (its client certificate), undefined on plain HTTP. */
  readonly tlsSocket: TLSSocket | undefined;
  readonly body: Readable;
  /** Known to carry no body: nothing to stream or buffer. */
  readonly bodyless: boolean;
  readonly headersSent: boolean;
  /** The downstream went away (closed or reset). */
  readonly gone: boolean;
  /** A whole response. */
  respond(status: number, headers: OutgoingHttpHeaders, body?: Buffer): void;
  /** Response headers now, then the body from `source`; `empty` ends the response at once. */
  relay(status: number, headers: OutgoingHttpHeaders, source: Readable, empty: boolean): void;
  /** Ends the exchange abruptly (HTTP/2: RST_STREAM). */
  abort(): void;
  onClose(listener: () => void): void;
  offClose(listener: () => void): void;
}

/** Told the status of every response as its headers go out (the chain's request counter). */
export type ResponseObserver = (status: number) => void;

export class Http1Exchange implements Exchange {
  readonly httpVersionMajor = 1;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly observe: ResponseObserver,
  ) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }
  get path(): string {
    return this.req.url ?? '/';
  }
  get authority(): string {
    return this.req.headers.host ?? '';
  }
  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }
  get remoteAddress(): string | undefined {
    return this.req.socket.remoteAddress;
  }
  get tlsSocket(): TLSSocket | undefined {
    const socket = this.req.socket as TLSSocket;
    return socket.encrypted ? socket : undefined;
  }
  get body(): Readable {
    return this.req;
  }
  get bodyless(): boolean {
    const h = this.req.headers;
    return h['transfer-encoding'] === undefined && (h['content-length'] ?? '0') === '0';
  }
  get headersSent(): boolean {
    return this.res.headersSent;
  }
  get gone(): boolean {
    return this.res.destroyed;
  }

  respond(status: number, headers: OutgoingHttpHeaders, body?: Buffer): void {
    if (this.res.destroyed) return;
    this.observe(status);
    this.res.writeHead(status, headers);
    // An empty body passed to end() becomes a second write (a second TLS record): leave it out.
    if (body && body.length > 0) this.res.end(body);
    else this.res.end();
  }

  relay(status: number, headers: OutgoingHttpHeaders, source: Readable, empty: boolean): void {
    if (this.res.destroyed) return void source.destroy();
    this.observe(status);
    this.res.writeHead(status, headers);
    if (!empty) return void source.pipe(this.res);
    this.res.end();
    // Read it to its end so the upstream connection goes back to the pool.
    source.resume();
  }

  abort(): void {
    this.res.destroy();
  }
  onClose(listener: () => void): void {
    this.res.on('close', listener);
  }
  offClose(listener: () => void): void {
    this.res.off('close', listener);
  }
}

export class Http2Exchange implements Exchange {
  readonly httpVersionMajor = 2;

  constructor(
    private readonly stream: ServerHttp2Stream,
    readonly headers: IncomingHttpHeaders,
    private readonly observe: ResponseObserver,
  ) {}

  get method(): string {
    return (this.headers[':method'] as string | undefined) ?? 'GET';
  }
  get path(): string {
    return (this.headers[':path'] as string | undefined) ?? '/';
  }
  get authority(): string {
    return (this.headers[':authority'] as string | undefined) ?? this.headers.host ?? '';
  }
  get remoteAddress(): string | undefined {
    return this.stream.session?.socket?.remoteAddress;
  }
  get tlsSocket(): TLSSocket | undefined {
    const socket = this.stream.session?.socket as TLSSocket | undefined;
    return socket?.encrypted ? socket : undefined;
  }
  get body(): Readable {
    return this.stream;
  }
  get bodyless(): boolean {
    // END_STREAM on the HEADERS frame.
    return this.stream.endAfterHeaders;
  }
  get headersSent(): boolean {
    return this.stream.headersSent;
  }
  get gone(): boolean {
    return this.stream.destroyed || this.stream.closed;
  }

  respond(status: number, headers: OutgoingHttpHeaders, body?: Buffer): void {
    if (this.gone) return;
    this.observe(status);
    headers[':status'] = status;
    if (!body || body.length === 0 || this.method === 'HEAD') {
      this.stream.respond(headers, { endStream: true });
      return;
    }
    this.stream.respond(headers);
    this.stream.end(body);
  }

  relay(status: number, headers: OutgoingHttpHeaders, source: Readable, empty: boolean): void {
    if (this.gone) return void source.destroy();
    this.observe(status);
    headers[':status'] = status;
    if (!empty) {
      this.stream.respond(headers);
      return void source.pipe(this.stream);
    }
    this.stream.respond(headers, { endStream: true });
    source.resume();
  }

  abort(): void {
    if (!this.stream.destroyed) this.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
  }
  onClose(listener: () => void): void {
    this.stream.on('close', listener);
  }
  offClose(listener: () => void): void {
    this.stream.off('close', listener);
  }
}
