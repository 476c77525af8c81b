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
] as const;

export interface KubernetesSourceOptions {
  baseUrl: string;
  token?: string;
  /** A manifest appeared or changed (with apiVersion and kind filled in). */
  onPut(manifest: Record<string, unknown>): void;
  onDelete(kind: string, namespace: string, name: string): void;
  /** After a (re)list of a kind: the ids (`ns/name`) that exist now; others of that kind are gone. */
  onListed(kind: string, present: Set<string>): void;
  onError(message: string): void;
}

interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

/**
 * List+watch of each kind, as client-go's reflector does: list, then watch from the list's
 * resourceVersion; when a watch ends, watch again from the last version seen; on 410 Gone, relist.
 */
export class KubernetesSource {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly listed = new Set<string>();
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: KubernetesSourceOptions) {
    this.ready = new Promise((r) => (this.markReady = r));
  }

  start(): void {
    for (const r of KUBERNETES_RESOURCES) this.loops.push(this.run(r));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private headers(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  private async run(r: (typeof KUBERNETES_RESOURCES)[number]): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        let version = await this.list(r);
        if (!this.listed.has(r.kind)) {
          this.listed.add(r.kind);
          if (this.listed.size === KUBERNETES_RESOURCES.length) this.markReady();
        }
        for (;;) {
          const next = await this.watch(r, version);
          if (next === 'gone') break;
          version = next;
        }
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.options.onError(`${r.kind}: ${(e as Error).message}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
  }

  private async list(r: (typeof KUBERNETES_RESOURCES)[number]): Promise<string> {
    const res = await fetch(`${this.options.baseUrl}${r.path}`, {
      headers: this.headers(),
      signal: this.abort.signal,
    });
    if (!res.ok) throw new Error(`list ${r.path}: HTTP ${res.status}`);
    const body = (await res.json()) as { metadata?: ObjectMetaLike; items?: Record<string, unknown>[] };
    const present = new Set<string>();
    for (const item of body.items ?? []) {
      const meta = (item.metadata ?? {}) as ObjectMetaLike;
      present.add(`${meta.namespace ?? 'default'}/${meta.name}`);
      this.options.onPut({ ...item, apiVersion: r.apiVersion, kind: r.kind });
    }
    this.options.onListed(r.kind, present);
    return body.metadata?.resourceVersion ?? '';
  }

  /** Follows one watch stream; returns the last resourceVersion seen, or 'gone' to relist. */
  private async watch(r: (typeof KUBERNETES_RESOURCES)[number], version: string): Promise<string | 'gone'> {
    const url = `${this.options.baseUrl}${r.path}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(version)}`;
    const res = await fetch(url, { headers: this.headers(), signal: this.abort.signal });
    if (res.status === 410) return 'gone';
    if (!res.ok || !res.body) throw new Error(`watch ${r.path}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    let last = version;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
        if (event.type === 'ERROR') {
          if ((event.object as { code?: number }).code === 410) return 'gone';
          throw new Error(`watch ${r.path}: ${JSON.stringify(event.object)}`);
        }
        const meta = (event.object.metadata ?? {}) as ObjectMetaLike;
        if (meta.resourceVersion) last = meta.resourceVersion;
        if (event.type === 'ADDED' || event.type === 'MODIFIED') {
          this.options.onPut({ ...event.object, apiVersion: r.apiVersion, kind: r.kind });
        } else if (event.type === 'DELETED') {
          this.options.onDelete(r.kind, meta.namespace ?? 'default', meta.name ?? '');
        }
      }
    }
    return last;
  }
}
