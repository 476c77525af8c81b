import net, { type Socket } from 'node:net';
import { compileFilterChainSelector, type FilterChainSelector } from '#keyway/routing';
import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ChainPlan, ListenerPlan } from '../model/listener-plan.js';
import type { ChainRuntime } from './chain-runtime.js';
import { inspectConnection, type InspectionResult } from './tls-inspector.js';

export interface ActiveChains {
  plan: ListenerPlan;
  chains: Map<string, ChainRuntime>;
}

/** Connections waiting for a warming listener; more than this are refused. */
const MAX_PENDING = 1024;

export interface ListenerRuntimeDeps {
  metrics: GatewayMetrics;
  logger: Logger;
  inspectTimeoutMs: number;
  /** This data plane's worker, for the per-worker connection count (Envoy's worker_<n> stats). */
  worker: string;
  /** Shared by the data plane's listeners: every connection accepted. */
  accepted: { count: number };
}

/**
 * One bound port. Until the listener's first configuration is warm, accepted connections wait;
 * after that each one is inspected (TLS ClientHello or plaintext) and handed to the filter chain
 * it matches, as Envoy's listener does.
 */
export class ListenerRuntime {
  readonly #server: net.Server;
  readonly #pending: Socket[] = [];
  /** Connections not handed to a chain yet (waiting or being inspected): shutdown closes them. */
  readonly #unassigned = new Set<Socket>();
  readonly #accepted: { inc(): void };
  readonly #acceptedHere: { inc(): void };
  #active?: ActiveChains;
  #select: FilterChainSelector<ChainPlan> = () => undefined;

  constructor(
    readonly name: string,
    readonly host: string,
    readonly port: number,
    private readonly deps: ListenerRuntimeDeps,
  ) {
    this.#server = net.createServer({ pauseOnConnect: true }, (socket) => this.#onConnection(socket));
    this.#accepted = deps.metrics.downstreamConnections.series({ listener: name });
    this.#acceptedHere = deps.metrics.workerConnections.series({ listener: name, worker: deps.worker });
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
    this.#select = compileFilterChainSelector(active.plan.chains);
    for (const socket of this.#pending.splice(0)) {
      if (socket.destroyed) this.#unassigned.delete(socket);
      else this.#dispatch(socket);
    }
  }

  /** Stops accepting; connections already served finish on their own. */
  close(): Promise<void> {
    for (const s of this.#pending.splice(0)) {
      this.#unassigned.delete(s);
      s.destroy();
    }
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Shutdown: also drops connections still being inspected. */
  destroy(): void {
    for (const s of this.#unassigned) s.destroy();
    this.#server.close();
  }

  #onConnection(socket: Socket): void {
    this.#accepted.inc();
    this.#acceptedHere.inc();
    this.deps.accepted.count++;
    this.#unassigned.add(socket);
    socket.on('error', noop);
    if (this.#active) return this.#dispatch(socket);
    if (this.#pending.length >= MAX_PENDING) {
      this.#unassigned.delete(socket);
      return void socket.destroy();
    }
    this.#pending.push(socket);
  }

  #dispatch(socket: Socket): void {
    inspectConnection(socket, this.deps.inspectTimeoutMs, (head, hello) =>
      this.#handOver(socket, head, hello),
    );
  }

  #handOver(socket: Socket, head: Buffer, hello: InspectionResult): void {
    this.#unassigned.delete(socket);
    if (hello.kind !== 'client-hello' && hello.kind !== 'not-tls') {
      this.deps.logger.debug(
        { listener: this.name, reason: hello.kind === 'invalid' ? hello.reason : hello.kind },
        'connection closed before a filter chain was chosen',
      );
      socket.destroy();
      return;
    }
    const active = this.#active!;
    const tlsHello = hello.kind === 'client-hello' ? hello : undefined;
    const plan =
      this.#select({
        destinationPort: active.plan.port,
        serverName: tlsHello?.serverName,
        transportProtocol: tlsHello ? 'tls' : 'raw_buffer',
        applicationProtocols: tlsHello?.alpn ?? NO_PROTOCOLS,
      }) ?? active.plan.defaultChain;
    const runtime = plan ? active.chains.get(plan.name) : undefined;
    if (!runtime) {
      this.deps.metrics.noFilterChain.inc({ listener: this.name });
      socket.destroy();
      return;
    }
    runtime.accept(socket, head, tlsHello);
  }
}

const NO_PROTOCOLS: readonly string[] = [];

function noop(): void {}
