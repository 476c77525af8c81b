// Test-only: a small Kubernetes API server for keyway's sources (libs/kubernetes). It speaks list
// (with `limit`/`continue` pages) and watch for any collection, with resource versions, bookmarks,
// compaction (410 Gone), server-side closes and, when given one, a bearer token it requires.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SimulatedObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  [field: string]: unknown;
}

interface Change {
  rv: number;
  collection: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: SimulatedObject;
}

interface Watcher {
  collection: string;
  namespace?: string;
  res: http.ServerResponse;
}

export interface SimulatedRequest {
  verb: 'list' | 'watch';
  /** The cluster-wide collection: `/api/v1/secrets`, `/apis/networking.istio.io/v1/gateways`. */
  collection: string;
  namespace?: string;
  resourceVersion?: string;
  limit?: string;
  continue?: string;
  authorization?: string;
}

// `/api/v1[/namespaces/NS]/RESOURCE` or `/apis/GROUP/VERSION[/namespaces/NS]/RESOURCE`
const COLLECTION = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/;

const gone = (message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason: 'Expired',
  code: 410,
  message,
});

export class SimulatedKubernetesApi {
  readonly requests: SimulatedRequest[] = [];
  /** The bearer token requests must carry (unset: none needed); change it to rotate. */
  token?: string;
  url = '';
  #server?: http.Server;
  #rv = 100;
  #objects = new Map<string, Map<string, SimulatedObject>>(); // collection -> ns/name -> object
  #history: Change[] = [];
  /** Versions older than this cannot be watched from or continued (as after etcd compaction). */
  #oldest = 0;
  #watchers = new Set<Watcher>();

  /** Listens on 127.0.0.1; with `tls`, over https as a real API server does. */
  async start(tls?: { cert: Buffer; key: Buffer }): Promise<void> {
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => this.#handle(req, res);
    const server = (this.#server = tls ? https.createServer(tls, handle) : http.createServer(handle));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.closeWatches();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }

  watchers(collection?: string): number {
    return [...this.#watchers].filter((w) => !collection || w.collection === collection).length;
  }

  /** Creates or replaces an object of `collection`, as a watch reports it (ADDED or MODIFIED). */
  put(collection: string, object: SimulatedObject): void {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    const objects = this.#collection(collection);
    const existed = objects.has(key);
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.#rv) } };
    objects.set(key, stored);
    this.#record({ rv: this.#rv, collection, type: existed ? 'MODIFIED' : 'ADDED', object: stored });
  }

  delete(collection: string, namespace: string, name: string): void {
    const objects = this.#collection(collection);
    const object = objects.get(`${namespace}/${name}`);
    if (!object) return;
    objects.delete(`${namespace}/${name}`);
    const rv = ++this.#rv;
    this.#record({
      rv,
      collection,
      type: 'DELETED',
      object: { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } },
    });
  }

  /** Sends a BOOKMARK at a new resourceVersion to every open watch. */
  bookmark(): string {
    const rv = String(++this.#rv);
    for (const w of this.#watchers)
      w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: rv } } }) + '\n');
    return rv;
  }

  /** Forgets the history: a watch or a list page from any earlier resourceVersion now gets 410 Gone. */
  compact(): void {
    this.#oldest = this.#rv;
    this.#history = [];
  }

  closeWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  #collection(collection: string): Map<string, SimulatedObject> {
    let objects = this.#objects.get(collection);
    if (!objects) this.#objects.set(collection, (objects = new Map()));
    return objects;
  }

  #record(change: Change): void {
    this.#history.push(change);
    for (const w of this.#watchers) if (this.#sees(w, change)) this.#send(w.res, change);
  }

  #sees(w: { collection: string; namespace?: string }, c: Change): boolean {
    return w.collection === c.collection && (!w.namespace || w.namespace === c.object.metadata.namespace);
  }

  #send(res: http.ServerResponse, c: Change): void {
    res.write(JSON.stringify({ type: c.type, object: c.object }) + '\n');
  }

  #json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const m = COLLECTION.exec(url.pathname);
    const q = (k: string) => url.searchParams.get(k) ?? undefined;
    const watch = q('watch') === 'true' || q('watch') === '1';
    const request: SimulatedRequest = {
      verb: watch ? 'watch' : 'list',
      collection: m ? `${m[1]}/${m[3]}` : url.pathname,
      namespace: m?.[2],
      resourceVersion: q('resourceVersion'),
      limit: q('limit'),
      continue: q('continue'),
      authorization: req.headers.authorization,
    };
    this.requests.push(request);
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`)
      return this.#json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized' });
    if (!m) return this.#json(res, 404, { kind: 'Status', code: 404 });
    const scope = { collection: request.collection, namespace: request.namespace };
    if (watch) return this.#watch(req, res, scope, request.resourceVersion);
    this.#list(res, scope, request.limit, request.continue);
  }

  #list(
    res: http.ServerResponse,
    scope: { collection: string; namespace?: string },
    limit?: string,
    token?: string,
  ): void {
    let rv = this.#rv;
    let offset = 0;
    if (token) {
      ({ rv, offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        rv: number;
        offset: number;
      });
      if (rv < this.#oldest) return this.#json(res, 410, gone('the continue token has expired'));
    }
    // Later pages leave out objects written after the first page's version (the real server serves
    // that version's snapshot; this is close enough for paging tests).
    const all = [...this.#collection(scope.collection).values()]
      .filter((o) => !scope.namespace || o.metadata.namespace === scope.namespace)
      .filter((o) => Number(o.metadata.resourceVersion) <= rv)
      .sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace}/${b.metadata.name}`,
        ),
      );
    const size = limit ? Number(limit) : all.length;
    const items = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    this.#json(res, 200, {
      kind: 'List',
      apiVersion: 'v1',
      metadata: {
        resourceVersion: String(rv),
        ...(more
          ? { continue: Buffer.from(JSON.stringify({ rv, offset: offset + size })).toString('base64url') }
          : {}),
      },
      items,
    });
  }

  #watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    scope: { collection: string; namespace?: string },
    resourceVersion?: string,
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const from = Number(resourceVersion ?? this.#rv);
    // What the API server does for a resourceVersion older than its history: an ERROR event, 410.
    if (from < this.#oldest) {
      res.end(JSON.stringify({ type: 'ERROR', object: gone(`too old resource version: ${from}`) }) + '\n');
      return;
    }
    for (const c of this.#history) if (c.rv > from && this.#sees(scope, c)) this.#send(res, c);
    const watcher: Watcher = { ...scope, res };
    this.#watchers.add(watcher);
    req.on('close', () => this.#watchers.delete(watcher));
  }
}
