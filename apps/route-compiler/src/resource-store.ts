import {
  parseRoutingResource,
  type EndpointSlice,
  type FieldError,
  type Gateway,
  type KubeService,
  type ReferenceGrant,
  type RoutingResource,
  type ServiceEntry,
  type VirtualService,
} from '#keyway/istio';

/** Where a resource came from; the same resource id from two sources: the last write wins. */
export type ResourceSource = 'directory' | 'api' | 'kubernetes';

export interface StoredResource {
  source: ResourceSource;
  resource: RoutingResource;
  manifest: unknown;
}

export interface RoutingInputs {
  gateways: readonly Gateway[];
  virtualServices: readonly VirtualService[];
  serviceEntries: readonly ServiceEntry[];
  services: readonly KubeService[];
  endpointSlices: readonly EndpointSlice[];
  referenceGrants: readonly ReferenceGrant[];
}

type Kind = RoutingResource['kind'];
const LIST_OF: Record<Kind, keyof RoutingInputs> = {
  Gateway: 'gateways',
  VirtualService: 'virtualServices',
  ServiceEntry: 'serviceEntries',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  ReferenceGrant: 'referenceGrants',
};

/**
 * Every routing resource the compiler knows, from every source. Lists keep their order: an update
 * replaces the resource at its place and leaves the other lists as the same arrays, which is what
 * lets the RouteCompiler recompile one edit without looking at the rest.
 */
export class ResourceStore {
  private readonly byId = new Map<string, StoredResource>();
  private lists: { [K in keyof RoutingInputs]: RoutingInputs[K] } = {
    gateways: [],
    virtualServices: [],
    serviceEntries: [],
    services: [],
    endpointSlices: [],
    referenceGrants: [],
  };

  apply(
    source: ResourceSource,
    manifest: unknown,
  ): { ok: true; resource: RoutingResource } | { ok: false; errors: FieldError[] } {
    const parsed = parseRoutingResource(manifest);
    if (!parsed.ok) return parsed;
    this.put({ source, resource: parsed.value, manifest });
    return { ok: true, resource: parsed.value };
  }

  put(stored: StoredResource): void {
    const { resource } = stored;
    const previous = this.byId.get(resource.id);
    this.byId.set(resource.id, stored);
    const key = LIST_OF[resource.kind];
    const list = [...(this.lists[key] as readonly RoutingResource[])];
    const at = previous ? list.indexOf(previous.resource) : -1;
    if (at >= 0) list[at] = resource;
    else list.push(resource);
    (this.lists as Record<string, readonly RoutingResource[]>)[key] = list;
  }

  delete(id: string, source?: ResourceSource): boolean {
    const previous = this.byId.get(id);
    if (!previous || (source && previous.source !== source)) return false;
    this.byId.delete(id);
    const key = LIST_OF[previous.resource.kind];
    (this.lists as Record<string, readonly RoutingResource[]>)[key] = (
      this.lists[key] as readonly RoutingResource[]
    ).filter((r) => r !== previous.resource);
    return true;
  }

  get(id: string): StoredResource | undefined {
    return this.byId.get(id);
  }

  /** Ids of one source's resources (to drop what a directory rescan no longer finds). */
  idsFrom(source: ResourceSource): string[] {
    return [...this.byId.values()].filter((s) => s.source === source).map((s) => s.resource.id);
  }

  list(kind?: Kind, namespace?: string): StoredResource[] {
    return [...this.byId.values()]
      .filter(
        (s) => (!kind || s.resource.kind === kind) && (!namespace || s.resource.meta.namespace === namespace),
      )
      .sort((a, b) => (a.resource.id < b.resource.id ? -1 : a.resource.id > b.resource.id ? 1 : 0));
  }

  /** An independent copy in the same order (a dry run applies to it and throws it away). */
  clone(): ResourceStore {
    const copy = new ResourceStore();
    for (const [id, stored] of this.byId) copy.byId.set(id, stored);
    copy.lists = { ...this.lists };
    return copy;
  }

  inputs(): RoutingInputs {
    return this.lists;
  }
}
