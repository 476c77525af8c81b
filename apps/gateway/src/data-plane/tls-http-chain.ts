import { createHash } from 'node:crypto';
import http from 'node:http';
import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import tls, { type TLSSocket, type TlsOptions } from 'node:tls';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ChainPlan } from '../model/listener-plan.js';
import type { ChainTls } from '../model/tls-context.js';
import { ConnectionSet, type ChainRuntime, type ConnectionHello } from './chain-runtime.js';
import { clientCertificatePolicy } from './client-certificate.js';
import { Http1Exchange, Http2Exchange } from './exchange.js';
import { responseCounter, type RequestHandler } from './http-handler.js';
import { chainCredentials, type SecretLookup } from './secure-context.js';
import { sealedWith, type SessionTicketKeys } from './session-tickets.js';

/** Envoy's TLS inspector and handshake both give up well before a minute. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A TLS-terminating HTTP chain: its own TLS server (never listening; the listener hands it sockets)
 * with the chain's certificate and client-certificate policy, then HTTP/2 or HTTP/1.1 by ALPN.
 *
 * Session resumption: new tickets are sealed with the current ticket key. Node's TLS holds one key
 * per context, so a second TLS server, identical but for its key, opens tickets sealed with the
 * previous key: the listener read the ticket's key name from the ClientHello and says which.
 */
export class TlsHttpChain implements ChainRuntime {
  readonly #connections = new ConnectionSet();
  readonly #tls: ChainTls;
  readonly #h2?: http2.Http2Server;
  readonly #h1?: http.Server;
  readonly #admit: ReturnType<typeof clientCertificatePolicy> | undefined;
  readonly #labels: { listener: string; chain: string };
  readonly #handshakes: { inc(): void };
  readonly #current: tls.Server;
  #previous?: tls.Server;
  #keys: SessionTicketKeys;
  #context: TlsOptions;
  #fingerprint: string;

  constructor(
    readonly plan: ChainPlan,
    listener: string,
    lookup: SecretLookup,
    handler: RequestHandler,
    keys: SessionTicketKeys,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    const chainTls = (this.#tls = plan.tls as ChainTls);
    const creds = chainCredentials(chainTls, lookup);
    if (!creds.ready) throw new Error(`chain ${plan.name} is missing secrets ${creds.missing.join(', ')}`);
    this.#fingerprint = creds.fingerprint;
    this.#keys = keys;
    this.#labels = { listener, chain: plan.name };
    this.#handshakes = metrics.tlsHandshakes.series(this.#labels);
    this.#admit =
      chainTls.clientCertificates === 'none'
        ? undefined
        : clientCertificatePolicy(chainTls.clientCertificates, chainTls.sanMatchers);
    const observe = responseCounter(metrics, listener);
    // Without ALPN Envoy speaks HTTP/1.1; HTTP/2 needs "h2" among the chain's protocols.
    const h2 = chainTls.alpn.includes('h2');
    if (h2) {
      this.#h2 = http2.createServer();
      this.#h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
        // A reset stream reports an error; the exchange sees it as gone.
        stream.on('error', noop);
        handler(new Http2Exchange(stream, headers, observe));
      });
    }
    if (!h2 || chainTls.alpn.includes('http/1.1')) {
      this.#h1 = http.createServer((req, res) => handler(new Http1Exchange(req, res, observe)));
    }
    this.#context = this.#contextOptions(creds.options, creds.fingerprint, listener);
    this.#current = this.#server(keys.current);
    if (keys.previous) this.#previous = this.#server(keys.previous);
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  accept(socket: Socket, head: Buffer, hello?: ConnectionHello): void {
    this.#connections.add(socket);
    // TLSSocket replays bytes already buffered on the socket before reading more.
    if (head.length > 0) socket.unshift(head);
    const server =
      this.#previous && sealedWith(this.#keys.previous, hello?.ticketKeyName)
        ? this.#previous
        : this.#current;
    server.emit('connection', socket);
  }

  refresh(lookup: SecretLookup): void {
    const creds = chainCredentials(this.#tls, lookup);
    // A secret that vanished keeps the last context: never serve the chain without a certificate.
    if (!creds.ready || creds.fingerprint === this.#fingerprint) return;
    this.#context = this.#contextOptions(creds.options, creds.fingerprint, this.#labels.listener);
    this.#fingerprint = creds.fingerprint;
    this.#current.setSecureContext({ ...this.#context, ticketKeys: this.#keys.current });
    if (this.#previous && this.#keys.previous)
      this.#previous.setSecureContext({ ...this.#context, ticketKeys: this.#keys.previous });
    this.logger.info({ chain: this.plan.name }, 'TLS secrets rotated for new handshakes');
  }

  setTicketKeys(keys: SessionTicketKeys): void {
    this.#keys = keys;
    this.#current.setTicketKeys(keys.current);
    if (!keys.previous) return;
    if (this.#previous) this.#previous.setTicketKeys(keys.previous);
    else this.#previous = this.#server(keys.previous);
  }

  destroy(): void {
    this.#connections.destroyAll();
  }

  /**
   * The context options: certificates and trust from the secrets, and a session id context that
   * changes with them, so a session (or ticket) made under another certificate, trust bundle or CRL
   * is not resumed (Envoy hashes the same inputs into its session context).
   */
  #contextOptions(options: TlsOptions, fingerprint: string, listener: string): TlsOptions {
    const sessionIdContext = createHash('sha256')
      .update(`${listener}\0${this.plan.name}\0${fingerprint}`)
      .digest('hex')
      .slice(0, 32);
    return { ...options, sessionIdContext, sessionTimeout: this.#keys.lifetimeSeconds };
  }

  #server(ticketKey: Buffer): tls.Server {
    const chainTls = this.#tls;
    const alpn = this.#h2 ? (this.#h1 ? ['h2', 'http/1.1'] : ['h2']) : chainTls.alpn;
    const server = tls.createServer({
      ...this.#context,
      ticketKeys: ticketKey,
      requestCert: chainTls.clientCertificates !== 'none',
      rejectUnauthorized: chainTls.clientCertificates === 'required',
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...(alpn.length ? { ALPNProtocols: alpn } : {}),
    });
    server.on('secureConnection', (socket: TLSSocket) => this.#serve(socket));
    server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
      this.metrics.tlsHandshakeErrors.inc({ ...this.#labels, reason: err.code ?? 'handshake' });
      this.logger.debug({ ...this.#labels, err: err.message }, 'TLS handshake failed');
    });
    return server;
  }

  #serve(socket: TLSSocket): void {
    // Run the policy before HTTP sees the connection: a refused client never reaches a route.
    if (this.#admit) {
      const verdict = this.#admit(socket);
      if (!verdict.ok) {
        this.metrics.tlsHandshakeErrors.inc({ ...this.#labels, reason: verdict.reason });
        socket.destroy();
        return;
      }
    }
    this.#handshakes.inc();
    if (socket.alpnProtocol === 'h2' && this.#h2) this.#h2.emit('connection', socket);
    else if (this.#h1) this.#h1.emit('connection', socket);
    // An HTTP/2-only chain and a client that did not negotiate h2: nothing to speak.
    else socket.destroy();
  }
}

function noop(): void {}
