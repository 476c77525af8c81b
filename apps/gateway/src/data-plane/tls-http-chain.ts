import http2 from 'node:http2';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ChainPlan } from '../model/listener-plan.js';
import type { ChainTls } from '../model/tls-context.js';
import { ConnectionSet, type ChainRuntime } from './chain-runtime.js';
import { clientCertificatePolicy } from './client-certificate.js';
import type { AnyResponse } from './local-reply.js';
import type { AnyRequest } from './proxy.js';
import { chainCredentials, type SecretLookup } from './secure-context.js';

type Handler = (req: AnyRequest, res: AnyResponse) => void;

/** Envoy's TLS inspector and handshake both give up well before a minute. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A TLS-terminating HTTP chain: its own TLS server (never listening; the listener hands it sockets)
 * with the chain's certificate and client-certificate policy, serving HTTP/2 and HTTP/1.1 by ALPN.
 */
export class TlsHttpChain implements ChainRuntime {
  readonly #server: http2.Http2SecureServer | https.Server;
  readonly #connections = new ConnectionSet();
  #fingerprint: string;

  constructor(
    readonly plan: ChainPlan,
    listener: string,
    lookup: SecretLookup,
    handler: Handler,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    const tls = plan.tls as ChainTls;
    const creds = chainCredentials(tls, lookup);
    if (!creds.ready) throw new Error(`chain ${plan.name} is missing secrets ${creds.missing.join(', ')}`);
    this.#fingerprint = creds.fingerprint;
    const base = {
      ...creds.options,
      requestCert: tls.clientCertificates !== 'none',
      rejectUnauthorized: tls.clientCertificates === 'required',
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    };
    // Without ALPN Envoy speaks HTTP/1.1; HTTP/2 needs "h2" among the chain's protocols.
    this.#server = tls.alpn.includes('h2')
      ? http2.createSecureServer({ ...base, allowHTTP1: tls.alpn.includes('http/1.1') }, handler)
      : https.createServer({ ...base, ...(tls.alpn.length ? { ALPNProtocols: tls.alpn } : {}) }, handler);
    const admit = clientCertificatePolicy(tls.clientCertificates, tls.sanMatchers);
    const labels = { listener, chain: plan.name };
    // Run the policy before HTTP sees the connection: a refused client never reaches a route.
    const serve = this.#server.listeners('secureConnection') as Array<(s: TLSSocket) => void>;
    this.#server.removeAllListeners('secureConnection');
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      const verdict = admit(socket);
      if (!verdict.ok) {
        metrics.tlsHandshakeErrors.inc({ ...labels, reason: verdict.reason });
        socket.destroy();
        return;
      }
      metrics.tlsHandshakes.inc(labels);
      for (const listenerFn of serve) listenerFn.call(this.#server, socket);
    });
    this.#server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
      metrics.tlsHandshakeErrors.inc({ ...labels, reason: err.code ?? 'handshake' });
      logger.debug({ listener, chain: plan.name, err: err.message }, 'TLS handshake failed');
    });
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  accept(socket: Socket, head: Buffer): void {
    this.#connections.add(socket);
    // TLSSocket replays bytes already buffered on the socket before reading more.
    if (head.length > 0) socket.unshift(head);
    this.#server.emit('connection', socket);
  }

  refresh(lookup: SecretLookup): void {
    const creds = chainCredentials(this.plan.tls as ChainTls, lookup);
    // A secret that vanished keeps the last context: never serve the chain without a certificate.
    if (!creds.ready || creds.fingerprint === this.#fingerprint) return;
    this.#server.setSecureContext(creds.options);
    this.#fingerprint = creds.fingerprint;
    this.logger.info({ chain: this.plan.name }, 'TLS secrets rotated for new handshakes');
  }

  destroy(): void {
    this.#connections.destroyAll();
  }
}
