// Test-only: a small Kubernetes API server that speaks list and watch for Secrets, with resource
// versions, bookmarks, compaction (410 Gone) and server-side closes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredSecret {
  metadata: { name: string; namespace: string; resourceVersion: string };
  type: string;
  data: Record<string, string>;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StoredSecret;
}

export class SimulatedKubeApi {
  readonly requests: Array<{ kind: 'list' | 'watch'; namespace: string; resourceVersion?: string }> = [];
  #server = http.createServer((req, res) => this.#handle(req, res));
  #rv = 100;
  #objects = new Map<string, StoredSecret>();
  #history: WatchEvent[] = [];
  /** Events older than this cannot be watched from (as after etcd compaction). */
  #oldestWatchable = 0;
  #watchers = new Set<{ namespace: string; res: http.ServerResponse }>();
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  watchers(): number {
    return this.#watchers.size;
  }

  put(namespace: string, name: string, data: Record<string, string>, type = 'kubernetes.io/tls'): void {
    const key = `${namespace}/${name}`;
    const existed = this.#objects.has(key);
    const object: StoredSecret = {
      metadata: { name, namespace, resourceVersion: String(++this.#rv) },
      type,
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    };
    this.#objects.set(key, object);
    this.#record({ rv: this.#rv, type: existed ? 'MODIFIED' : 'ADDED', object });
  }

  delete(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const object = this.#objects.get(key);
    if (!object) return;
    this.#objects.delete(key);
    const rv = ++this.#rv;
    this.#record({
      rv,
      type: 'DELETED',
      object: { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } },
    });
  }

  /** Sends a BOOKMARK at the current resourceVersion to every open watch. */
  bookmark(): string {
    const rv = String(++this.#rv);
    for (const w of this.#watchers) {
      w.res.write(
        JSON.stringify({
          type: 'BOOKMARK',
          object: { kind: 'Secret', apiVersion: 'v1', metadata: { resourceVersion: rv } },
        }) + '\n',
      );
    }
    return rv;
  }

  /** Forgets the history: a watch from any earlier resourceVersion now gets 410 Gone. */
  compact(): void {
    this.#oldestWatchable = this.#rv;
    this.#history = [];
  }

  closeWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  #record(ev: WatchEvent): void {
    this.#history.push(ev);
    for (const w of this.#watchers)
      if (w.namespace === ev.object.metadata.namespace)
        w.res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(url.pathname);
    if (!m) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', code: 404 }));
      return;
    }
    const namespace = m[1];
    const resourceVersion = url.searchParams.get('resourceVersion') ?? undefined;
    if (url.searchParams.get('watch') !== 'true') {
      this.requests.push({ kind: 'list', namespace });
      const items = [...this.#objects.values()].filter((o) => o.metadata.namespace === namespace);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'SecretList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(this.#rv) },
          items,
        }),
      );
      return;
    }
    this.requests.push({ kind: 'watch', namespace, resourceVersion });
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const from = Number(resourceVersion ?? this.#rv);
    if (from < this.#oldestWatchable) {
      // What the API server does for a resourceVersion older than its history: an ERROR event, 410.
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: `too old resource version: ${from}`,
          },
        }) + '\n',
      );
      return;
    }
    for (const ev of this.#history) {
      if (ev.rv > from && ev.object.metadata.namespace === namespace)
        res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
    }
    const watcher = { namespace, res };
    this.#watchers.add(watcher);
    req.on('close', () => this.#watchers.delete(watcher));
  }
}
