import type { RouteTable } from '#keyway/routing';
import type { ClusterPlan } from '../model/cluster-plan.js';
import type { Endpoint } from '../model/endpoints.js';
import type { ListenerPlan } from '../model/listener-plan.js';
import type { GatewaySecret } from '../model/secret.js';

export interface StoredResource<T> {
  name: string;
  /** version_info of the response that brought it. */
  version: string;
  value: T;
  /** The decoded resource as received (for /config_dump, after redaction). */
  message: Record<string, unknown>;
}

export interface Rejection {
  version: string;
  message: string;
}

/** The last good version of every resource, per type: what the gateway serves from. */
export class ResourceStore {
  readonly listeners = new Map<string, StoredResource<ListenerPlan>>();
  readonly routes = new Map<string, StoredResource<RouteTable>>();
  readonly clusters = new Map<string, StoredResource<ClusterPlan>>();
  readonly endpoints = new Map<string, StoredResource<Endpoint[]>>();
  readonly secrets = new Map<string, StoredResource<GatewaySecret>>();
  /** Per type URL and resource name, why the latest version of it was refused. */
  readonly rejected = new Map<string, Map<string, Rejection>>();
  /** Type URLs that have received at least one response. */
  readonly received = new Set<string>();
}
