import { TypeUrl } from '#keyway/envoy-api';
import type { Logger } from '#keyway/observability';
import { compileRouteConfiguration, type RouteConfiguration } from '#keyway/routing';
import type { ApplyResult, XdsSubscriber, XdsUpdate } from '#keyway/xds-client';
import type { GatewayMetrics } from '../admin/gateway-metrics.js';
import type { ListenerManager } from '../data-plane/listener-manager.js';
import type { Upstreams } from '../data-plane/upstreams.js';
import { parseCluster } from '../model/cluster-plan.js';
import { parseEndpoints } from '../model/endpoints.js';
import { parseListener } from '../model/listener-plan.js';
import { ResourceError, type Parsed } from '../model/resource-error.js';
import { parseSecret } from '../model/secret.js';
import type { ResourceStore, StoredResource } from './resource-store.js';

interface TypeHandling {
  kind: string;
  short: string;
  /** LDS and CDS responses carry every resource; RDS, EDS and SDS only the ones they name. */
  fullState: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table over xDS types: each row's resource type differs
  map: (store: ResourceStore) => Map<string, StoredResource<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above, the parser of that row's type
  parse: (message: Record<string, unknown>) => Parsed<any>;
}

const TYPES: Record<string, TypeHandling> = {
  [TypeUrl.Listener]: {
    kind: 'Listener',
    short: 'lds',
    fullState: true,
    map: (s) => s.listeners,
    parse: parseListener,
  },
  [TypeUrl.RouteConfiguration]: {
    kind: 'RouteConfiguration',
    short: 'rds',
    fullState: false,
    map: (s) => s.routes,
    parse: parseRoutes,
  },
  [TypeUrl.Cluster]: {
    kind: 'Cluster',
    short: 'cds',
    fullState: true,
    map: (s) => s.clusters,
    parse: parseCluster,
  },
  [TypeUrl.ClusterLoadAssignment]: {
    kind: 'ClusterLoadAssignment',
    short: 'eds',
    fullState: false,
    map: (s) => s.endpoints,
    parse: (m) => parseEndpoints(m),
  },
  [TypeUrl.Secret]: {
    kind: 'Secret',
    short: 'sds',
    fullState: false,
    map: (s) => s.secrets,
    parse: parseSecret,
  },
};

function parseRoutes(message: Record<string, unknown>): Parsed<unknown> {
  const compiled = compileRouteConfiguration(message as RouteConfiguration);
  return compiled.ok ? { ok: true, value: compiled.table } : { ok: false, problems: compiled.errors };
}

export type SubscriptionSink = (typeUrl: string, names: string[]) => void;

/**
 * The gateway's side of the xDS protocol: validates every resource of a response, keeps the last
 * good version of any it must refuse (the response is then NACKed naming each refusal), applies
 * the rest to the data plane, and follows the references (RDS, SDS, EDS names) they make.
 */
export class XdsApplier implements XdsSubscriber {
  #sink: SubscriptionSink = () => undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly listeners: ListenerManager,
    private readonly upstreams: Upstreams,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  onSubscriptions(sink: SubscriptionSink): void {
    this.#sink = sink;
    this.#followReferences();
  }

  async onUpdate(update: XdsUpdate): Promise<ApplyResult> {
    const type = TYPES[update.typeUrl];
    if (!type) return { ok: false, message: `unsupported type ${update.typeUrl}` };
    const map = type.map(this.store);
    const rejected = new Map<string, string>();
    const next = new Map<string, StoredResource<unknown>>(type.fullState ? [] : map);
    for (const { name, message } of update.resources) {
      const parsed = type.parse(message);
      if (parsed.ok) {
        next.set(name, { name, version: update.version, value: parsed.value, message });
        continue;
      }
      rejected.set(name, new ResourceError(type.kind, name, parsed.problems).message);
      const previous = map.get(name);
      if (previous) next.set(name, previous);
    }
    map.clear();
    for (const [k, v] of next) map.set(k, v);
    this.store.received.add(update.typeUrl);

    if (update.typeUrl === TypeUrl.Listener) {
      const failures = await this.listeners.apply(
        new Map([...this.store.listeners].map(([k, v]) => [k, v.value])),
      );
      for (const [name, reason] of failures) {
        rejected.set(name, `Listener/${name}: address: ${reason}`);
        this.store.listeners.delete(name);
      }
    }
    this.#followReferences();
    if (update.typeUrl === TypeUrl.Secret) this.#recordExpiry();

    const rejections = this.store.rejected.get(update.typeUrl) ?? new Map();
    for (const name of update.resources.map((r) => r.name)) rejections.delete(name);
    for (const [name, message] of rejected) rejections.set(name, { version: update.version, message });
    this.store.rejected.set(update.typeUrl, rejections);
    this.metrics.xdsUpdates.inc({ type: type.short, result: rejected.size ? 'nack' : 'ack' });
    if (rejected.size === 0) return { ok: true };
    const message = [...rejected.values()].join('; ');
    this.logger.warn(
      { typeUrl: update.typeUrl, version: update.version, reason: message },
      'xDS update rejected; last good configuration kept',
    );
    return { ok: false, message };
  }

  /** Subscribes to what listeners and clusters refer to, forgets what nothing refers to any more. */
  #followReferences(): void {
    const { routes, secrets } = this.listeners.references();
    const eds = new Set<string>();
    for (const c of this.store.clusters.values()) if (c.value.edsServiceName) eds.add(c.value.edsServiceName);
    prune(this.store.routes, routes);
    prune(this.store.secrets, secrets);
    prune(this.store.endpoints, eds);
    this.upstreams.update(
      new Map([...this.store.clusters].map(([k, v]) => [k, v.value])),
      new Map([...this.store.endpoints].map(([k, v]) => [k, v.value])),
    );
    this.listeners.refresh();
    this.#sink(TypeUrl.RouteConfiguration, [...routes].sort());
    this.#sink(TypeUrl.Secret, [...secrets].sort());
    this.#sink(TypeUrl.ClusterLoadAssignment, [...eds].sort());
  }

  #recordExpiry(): void {
    this.metrics.certificateExpiry.reset();
    for (const s of this.store.secrets.values()) {
      if (s.value.kind === 'tls-certificate')
        this.metrics.certificateExpiry.set({ secret: s.name }, Date.parse(s.value.leaf.notAfter) / 1000);
    }
  }
}

function prune(map: Map<string, unknown>, keep: Set<string>): void {
  for (const name of [...map.keys()]) if (!keep.has(name)) map.delete(name);
}
