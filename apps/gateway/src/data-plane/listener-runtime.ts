import net, { type Socket } from 'node:net';
import { selectFilterChain, type ConnectionFacts } from '#keyway/routing';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ListenerPlan } from '../model/listener-plan.js';
import type { ChainRuntime } from './chain-runtime.js';
import { inspectConnection } from './tls-inspector.js';

export interface ActiveChains {
  plan: ListenerPlan;
  chains: Map<string, ChainRuntime>;
}

/** Connections waiting for a warming listener; more than this are refused. */
const MAX_PENDING = 1024;

/**
 * One bound port. Until the listener's first configuration is warm, accepted connections wait;
 * after that each one is inspected (TLS ClientHello or plaintext) and handed to the filter chain
 * it matches, as Envoy's listener does.
 */
export class ListenerRuntime {
  readonly #server: net.Server;
  readonly #pending: Socket[] = [];
  readonly #sockets = new Set<Socket>();
  #active?: ActiveChains;

  constructor(
    readonly name: string,
    readonly host: string,
    readonly port: number,
    private readonly deps: { metrics: GatewayMetrics; logger: Logger; inspectTimeoutMs: number },
  ) {
    this.#server = net.createServer({ pauseOnConnect: true }, (socket) => this.#onConnection(socket));
  }

  /** Binds now, so a port conflict NACKs the listener instead of surfacing later. */
  bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.host, port: this.port }, () => {
        this.#server.off('error', reject);
        this.#server.on('error', (e) =>
          this.deps.logger.error({ listener: this.name, err: e.message }, 'listener socket error'),
        );
        resolve();
      });
    });
  }

  get boundPort(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get active(): ActiveChains | undefined {
    return this.#active;
  }

  activate(active: ActiveChains): void {
    this.#active = active;
    for (const socket of this.#pending.splice(0)) if (!socket.destroyed) void this.#dispatch(socket);
  }

  /** Stops accepting; connections already served finish on their own. */
  close(): Promise<void> {
    for (const s of this.#pending.splice(0)) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Shutdown: also drops connections still being inspected. */
  destroy(): void {
    for (const s of this.#sockets) s.destroy();
    this.#server.close();
  }

  #onConnection(socket: Socket): void {
    this.deps.metrics.downstreamConnections.inc({ listener: this.name });
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.#active) return void this.#dispatch(socket);
    if (this.#pending.length >= MAX_PENDING) return void socket.destroy();
    this.#pending.push(socket);
  }

  async #dispatch(socket: Socket): Promise<void> {
    const { head, hello } = await inspectConnection(socket, this.deps.inspectTimeoutMs);
    this.#sockets.delete(socket);
    if (hello.kind !== 'client-hello' && hello.kind !== 'not-tls') {
      this.deps.logger.debug(
        { listener: this.name, reason: hello.kind === 'invalid' ? hello.reason : hello.kind },
        'connection closed before a filter chain was chosen',
      );
      socket.destroy();
      return;
    }
    const active = this.#active!;
    const facts: ConnectionFacts =
      hello.kind === 'client-hello'
        ? {
            destinationPort: active.plan.port,
            serverName: hello.serverName,
            transportProtocol: 'tls',
            applicationProtocols: hello.alpn,
          }
        : { destinationPort: active.plan.port, transportProtocol: 'raw_buffer', applicationProtocols: [] };
    const plan = selectFilterChain(active.plan.chains, facts) ?? active.plan.defaultChain;
    const runtime = plan ? active.chains.get(plan.name) : undefined;
    if (!runtime) {
      this.deps.metrics.noFilterChain.inc({ listener: this.name });
      socket.destroy();
      return;
    }
    runtime.accept(socket, head);
  }
}
