import { Reflector, type KubernetesClient } from '#keyway/kubernetes';

/** The kinds the route-compiler watches in Kubernetes, with their list/watch paths. */
export const KUBERNETES_RESOURCES = [
  { kind: 'Gateway', apiVersion: 'networking.istio.io/v1', path: '/apis/networking.istio.io/v1/gateways' },
  {
    kind: 'VirtualService',
    apiVersion: 'networking.istio.io/v1',
    path: '/apis/networking.istio.io/v1/virtualservices',
  },
  {
    kind: 'ServiceEntry',
    apiVersion: 'networking.istio.io/v1',
    path: '/apis/networking.istio.io/v1/serviceentries',
  },
  { kind: 'Service', apiVersion: 'v1', path: '/api/v1/services' },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    path: '/apis/discovery.k8s.io/v1/endpointslices',
  },
  // Who may create one is the cluster's RBAC in the Secrets' namespace (Gateway API's model); through
  // the api, only the Secret's creator team may (docs/tenancy.md).
  {
    kind: 'ReferenceGrant',
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    path: '/apis/gateway.networking.k8s.io/v1beta1/referencegrants',
  },
] as const;

export interface KubernetesSourceOptions {
  client: KubernetesClient;
  /** A manifest appeared or changed (with apiVersion and kind filled in). */
  onPut(manifest: Record<string, unknown>): void;
  onDelete(kind: string, namespace: string, name: string): void;
  /** After a (re)list of a kind: the ids (`ns/name`) that exist now; others of that kind are gone. */
  onListed(kind: string, present: Set<string>): void;
  onError(message: string): void;
}

interface KubernetesObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  [field: string]: unknown;
}

/** Every routing kind through its own reflector (libs/kubernetes: list, watch, resume, 410 relist, backoff). */
export class KubernetesSource {
  readonly #reflectors: Reflector<KubernetesObject>[];
  readonly ready: Promise<void>;

  constructor(options: KubernetesSourceOptions) {
    this.#reflectors = KUBERNETES_RESOURCES.map((r) => {
      const manifest = (o: KubernetesObject) => ({ ...o, apiVersion: r.apiVersion, kind: r.kind });
      return new Reflector<KubernetesObject>({
        client: options.client,
        path: r.path,
        onList: (items) => {
          const present = new Set<string>();
          for (const item of items) {
            present.add(`${item.metadata?.namespace ?? 'default'}/${item.metadata?.name}`);
            options.onPut(manifest(item));
          }
          options.onListed(r.kind, present);
        },
        onEvent: (type, o) => {
          if (type === 'DELETED')
            options.onDelete(r.kind, o.metadata?.namespace ?? 'default', o.metadata?.name ?? '');
          else options.onPut(manifest(o));
        },
        onError: (message) => options.onError(`${r.kind}: ${message}`),
      });
    });
    this.ready = Promise.all(this.#reflectors.map((r) => r.listed)).then(() => undefined);
  }

  start(): void {
    for (const r of this.#reflectors) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#reflectors.map((r) => r.stop()));
  }
}
