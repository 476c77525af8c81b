import type { Logger } from '#keyway/observability';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ChainPlan, ListenerPlan } from '../model/listener-plan.js';
import { bindPort, localRedirectLocation, type PortMap } from '../model/port-map.js';
import type { ChainRuntime } from './chain-runtime.js';
import { createRequestHandler, responseCounter } from './http-handler.js';
import { ListenerRuntime } from './listener-runtime.js';
import { PlainHttpChain } from './plain-http-chain.js';
import { chainCredentials, type SecretLookup } from './secure-context.js';
import type { SessionTicketKeys } from './session-tickets.js';
import { TcpProxyChain } from './tcp-proxy-chain.js';
import { TlsHttpChain } from './tls-http-chain.js';
import type { RouteTable } from '#keyway/routing';
import type { Upstreams } from './upstreams.js';

export interface ListenerManagerOptions {
  portMap: PortMap;
  /** Overrides every listener's address (tests bind 127.0.0.1). */
  bindAddress?: string;
  inspectTimeoutMs: number;
  upstreams: Upstreams;
  metrics: GatewayMetrics;
  logger: Logger;
  secrets: SecretLookup;
  routes: (name: string) => RouteTable | undefined;
  random?: () => number;
  /** Session ticket keys TLS chains start with (setTicketKeys replaces them). */
  ticketKeys: SessionTicketKeys;
  /** This data plane's worker label for per-worker stats ("0" when there is one). */
  worker: string;
}

interface ListenerEntry {
  runtime: ListenerRuntime;
  /** The configuration LDS asked for last. */
  wanted: ListenerPlan;
  /** What is served now; lags `wanted` while it warms. */
  active?: { plan: ListenerPlan; chains: Map<string, ChainRuntime> };
  waitingFor: string[];
}

export interface ListenerStatus {
  name: string;
  bindAddress: string;
  bindPort: number;
  state: 'warming' | 'active' | 'updating';
  waitingFor: string[];
  chains: string[];
}

/**
 * Runs the listeners LDS asks for, with Envoy's warming: a new or changed listener goes live only
 * when every chain has its certificates (SDS) and routes (RDS); until then the previous version
 * keeps serving, or, for a new listener, connections wait.
 */
export class ListenerManager {
  readonly #entries = new Map<string, ListenerEntry>();
  /** Chains no longer served but with connections still open: closed at shutdown. */
  readonly #retired = new Set<ChainRuntime>();
  #ticketKeys: SessionTicketKeys;
  /** Connections every listener accepted, for /workers (a plain number: no label lookups). */
  readonly #accepted = { count: 0 };

  constructor(private readonly options: ListenerManagerOptions) {
    this.#ticketKeys = options.ticketKeys;
  }

  /** New session ticket keys for every TLS chain (a rotation, or the keys the primary shares). */
  setTicketKeys(keys: SessionTicketKeys): void {
    this.#ticketKeys = keys;
    for (const entry of this.#entries.values())
      for (const chain of entry.active?.chains.values() ?? []) chain.setTicketKeys?.(keys);
    for (const chain of this.#retired) chain.setTicketKeys?.(keys);
  }

  /** Applies the full LDS state; returns the listeners that could not be bound, with the reason. */
  async apply(plans: ReadonlyMap<string, ListenerPlan>): Promise<Map<string, string>> {
    const failures = new Map<string, string>();
    for (const [name, entry] of this.#entries) {
      const next = plans.get(name);
      if (
        !next ||
        this.#bindTarget(next).port !== entry.runtime.port ||
        this.#bindTarget(next).host !== entry.runtime.host
      ) {
        await this.#remove(name, entry);
      }
    }
    for (const [name, plan] of plans) {
      let entry = this.#entries.get(name);
      if (!entry) {
        const target = this.#bindTarget(plan);
        const runtime = new ListenerRuntime(name, target.host, target.port, {
          metrics: this.options.metrics,
          logger: this.options.logger,
          inspectTimeoutMs: this.options.inspectTimeoutMs,
          worker: this.options.worker,
          accepted: this.#accepted,
        });
        try {
          await runtime.bind();
        } catch (e) {
          failures.set(name, `cannot bind ${target.host}:${target.port}: ${(e as Error).message}`);
          continue;
        }
        entry = { runtime, wanted: plan, waitingFor: [] };
        this.#entries.set(name, entry);
        this.options.metrics.listenerActive.set({ listener: name }, 0);
      }
      entry.wanted = plan;
    }
    this.refresh();
    return failures;
  }

  /** Secrets or routes changed: warm what can warm, rotate certificates of what is live. */
  refresh(): void {
    for (const [name, entry] of this.#entries) {
      if (entry.active?.plan !== entry.wanted) this.#tryWarm(name, entry);
      for (const chain of entry.active?.chains.values() ?? []) chain.refresh(this.options.secrets);
    }
    for (const chain of this.#retired) if (chain.openConnections === 0) this.#retired.delete(chain);
  }

  /** Every RDS and SDS name a wanted or active listener refers to. */
  references(): { routes: Set<string>; secrets: Set<string> } {
    const routes = new Set<string>();
    const secrets = new Set<string>();
    for (const entry of this.#entries.values()) {
      for (const plan of [entry.wanted, entry.active?.plan]) {
        for (const chain of allChains(plan)) {
          if (chain.app.kind === 'http' && chain.app.routeConfigName) routes.add(chain.app.routeConfigName);
          for (const s of chain.tls?.certificateSecrets ?? []) secrets.add(s);
          if (chain.tls?.validationSecret) secrets.add(chain.tls.validationSecret);
        }
      }
    }
    return { routes, secrets };
  }

  /** Every listener serves its latest configuration. */
  allActive(): boolean {
    return [...this.#entries.values()].every((e) => e.active?.plan === e.wanted);
  }

  status(): ListenerStatus[] {
    return [...this.#entries.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, e]) => ({
        name,
        bindAddress: e.runtime.host,
        bindPort: e.runtime.boundPort,
        state: !e.active ? 'warming' : e.active.plan === e.wanted ? 'active' : 'updating',
        waitingFor: e.waitingFor,
        chains: [...(e.active?.chains.keys() ?? [])],
      }));
  }

  /** Connections accepted by every listener so far. */
  get connectionsAccepted(): number {
    return this.#accepted.count;
  }

  boundPort(name: string): number | undefined {
    return this.#entries.get(name)?.runtime.boundPort;
  }

  async close(): Promise<void> {
    for (const [name, entry] of this.#entries) {
      entry.runtime.destroy();
      for (const chain of entry.active?.chains.values() ?? []) chain.destroy();
      this.#entries.delete(name);
    }
    for (const chain of this.#retired) chain.destroy();
    this.#retired.clear();
  }

  #bindTarget(plan: ListenerPlan): { host: string; port: number } {
    return {
      host: this.options.bindAddress ?? plan.address,
      port: bindPort(this.options.portMap, plan.port),
    };
  }

  async #remove(name: string, entry: ListenerEntry): Promise<void> {
    this.#entries.delete(name);
    this.options.metrics.listenerActive.remove({ listener: name });
    for (const chain of entry.active?.chains.values() ?? []) this.#retired.add(chain);
    await entry.runtime.close();
  }

  #tryWarm(name: string, entry: ListenerEntry): void {
    const plan = entry.wanted;
    const waiting: string[] = [];
    for (const chain of allChains(plan)) {
      if (chain.tls) {
        const creds = chainCredentials(chain.tls, this.options.secrets);
        if (!creds.ready) waiting.push(...creds.missing.map((s) => `secret ${s}`));
      }
      if (
        chain.app.kind === 'http' &&
        chain.app.routeConfigName &&
        !this.options.routes(chain.app.routeConfigName)
      )
        waiting.push(`route ${chain.app.routeConfigName}`);
    }
    entry.waitingFor = [...new Set(waiting)].sort();
    if (waiting.length > 0) return;
    const previous = entry.active?.chains ?? new Map<string, ChainRuntime>();
    const chains = new Map<string, ChainRuntime>();
    for (const chain of allChains(plan)) {
      const same = previous.get(chain.name);
      chains.set(
        chain.name,
        same && same.plan.signature === chain.signature ? same : this.#startChain(name, chain),
      );
    }
    for (const [chainName, runtime] of previous)
      if (chains.get(chainName) !== runtime) this.#retired.add(runtime);
    entry.active = { plan, chains };
    entry.runtime.activate(entry.active);
    this.options.metrics.listenerActive.set({ listener: name }, 1);
    this.options.logger.info(
      { listener: name, port: entry.runtime.boundPort, chains: [...chains.keys()] },
      'listener active',
    );
  }

  #startChain(listener: string, chain: ChainPlan): ChainRuntime {
    const { upstreams, metrics, logger, secrets, random } = this.options;
    if (chain.app.kind === 'tcp') return new TcpProxyChain(chain, upstreams, metrics, random);
    const app = chain.app;
    const handler = createRequestHandler(
      {
        listener,
        chain: chain.name,
        scheme: chain.tls ? 'https' : 'http',
        serverNames: chain.tls ? chain.criteria.serverNames : [],
        clientCertificates: chain.tls !== undefined && chain.tls.clientCertificates !== 'none',
        routes: () =>
          app.inlineRoutes ?? (app.routeConfigName ? this.options.routes(app.routeConfigName) : undefined),
        stripAnyHostPort: app.stripAnyHostPort,
        localRedirect: (location) => localRedirectLocation(this.options.portMap, location),
      },
      { upstreams, metrics, logger, random },
    );
    if (!chain.tls) return new PlainHttpChain(chain, handler, responseCounter(metrics, listener));
    return new TlsHttpChain(chain, listener, secrets, handler, this.#ticketKeys, metrics, logger);
  }
}

function allChains(plan: ListenerPlan | undefined): ChainPlan[] {
  if (!plan) return [];
  return plan.defaultChain ? [...plan.chains, plan.defaultChain] : plan.chains;
}
