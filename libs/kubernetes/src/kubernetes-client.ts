import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/**
 * keyway's one Kubernetes API client: the list and watch calls its sources need, over node:http(s).
 * `@kubernetes/client-node` 2.x needs Node 22 (undici 8) and 1.x brings a large tree for two GET calls; the
 * wire protocol is small and stable (API conventions: list chunking with `limit`/`continue`, watch
 * as newline-delimited JSON events).
 */
export interface KubernetesClientOptions {
  /** `https://kubernetes.default.svc` in a cluster, `http://127.0.0.1:port` in tests. */
  server: string;
  /**
   * The bearer token's file (in a pod: /var/run/secrets/kubernetes.io/serviceaccount/token). A
   * projected token is refreshed on disk before it expires, so it is read again every
   * `tokenRereadMs` and at once after a 401, as client-go does.
   */
  tokenFile?: string;
  /** PEM CA bundle for an https server (in a pod: the service account's ca.crt). */
  caFile?: string;
  tokenRereadMs?: number;
  /** Items per list page (`limit`); the rest come with `continue`. */
  pageSize?: number;
  /** Bounds on what the server sends: one list page, one watch event line. */
  maxPageBytes?: number;
  maxEventBytes?: number;
  /** The clock, for the token's re-read (tests). */
  now?: () => number;
}

export class KubernetesApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }

  /** 410 Gone: the resourceVersion (or a list's continue token) is older than the server's history. */
  get expired(): boolean {
    return this.statusCode === 410;
  }
}

export interface ListResult<T> {
  items: T[];
  /** The list's resourceVersion: where a watch that follows it starts. */
  resourceVersion: string;
}

/** One watch event; `object` is the kind's JSON, or a Status for ERROR. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the listed kind's JSON, typed by its reader
  object: any;
}

export interface WatchHandle {
  abort(): void;
  /** Resolves when the stream ends: null when the server closed it or it was aborted, else the error. */
  done: Promise<Error | null>;
}

type Params = Record<string, string | undefined>;

export class KubernetesClient {
  readonly #base: URL;
  readonly #ca?: Buffer;
  readonly #now: () => number;
  #token?: { value: string; readAt: number };

  constructor(private readonly options: KubernetesClientOptions) {
    this.#base = new URL(options.server);
    this.#ca = options.caFile ? fs.readFileSync(options.caFile) : undefined;
    this.#now = options.now ?? Date.now;
  }

  /** The token as the file holds it now, read again once it is `tokenRereadMs` old. */
  #bearer(force = false): string | undefined {
    const file = this.options.tokenFile;
    if (!file) return undefined;
    const stale = !this.#token || this.#now() - this.#token.readAt >= (this.options.tokenRereadMs ?? 60_000);
    if (force || stale) this.#token = { value: fs.readFileSync(file, 'utf8').trim(), readAt: this.#now() };
    return this.#token!.value;
  }

  #get(path: string, params: Params, signal?: AbortSignal, force = false): Promise<http.IncomingMessage> {
    const url = new URL(path, this.#base);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#bearer(force);
    if (token) headers.authorization = `Bearer ${token}`;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.get(url, { headers, signal, ...(this.#ca ? { ca: this.#ca } : {}) }, resolve);
      req.on('error', reject);
    });
  }

  /** A GET that, on 401, reads the token file again and retries once (the token was rotated). */
  async #request(path: string, params: Params, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const res = await this.#get(path, params, signal);
    if (res.statusCode !== 401 || !this.options.tokenFile) return res;
    res.resume();
    return this.#get(path, params, signal, true);
  }

  async #json<T>(path: string, params: Params): Promise<T> {
    const res = await this.#request(path, params);
    const limit = this.options.maxPageBytes ?? 64 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res) {
      size += (c as Buffer).length;
      if (size > limit) {
        res.destroy();
        throw new KubernetesApiError(0, `GET ${path}: the response is over ${limit} bytes`);
      }
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200)
      throw new KubernetesApiError(
        res.statusCode ?? 0,
        `GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`,
      );
    return JSON.parse(body) as T;
  }

  /**
   * Every item of a collection, page by page (`limit`, then `continue` until the server sends none).
   * All pages are one consistent snapshot; a continue token that expired (410) starts over.
   */
  async list<T>(path: string, params: Params = {}): Promise<ListResult<T>> {
    const limit = String(this.options.pageSize ?? 500);
    for (let attempt = 0; ; attempt++) {
      const items: T[] = [];
      let next: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const page = await this.#json<{
            metadata?: { resourceVersion?: string; continue?: string };
            items?: T[];
          }>(path, { ...params, limit, continue: next });
          items.push(...(page.items ?? []));
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
          next = page.metadata?.continue || undefined;
        } while (next);
        return { items, resourceVersion };
      } catch (e) {
        if (e instanceof KubernetesApiError && e.expired && next && attempt < 3) continue;
        throw e;
      }
    }
  }

  /** Streams watch events (one JSON object per line) to `onEvent` until the stream ends. */
  watch(path: string, params: Params, onEvent: (event: WatchEvent) => void): WatchHandle {
    // Aborted through the signal until the response arrives, then by destroying the response: aborting
    // a finished request's signal raises an AbortError nobody can catch.
    const controller = new AbortController();
    let response: http.IncomingMessage | undefined;
    let aborted = false;
    const abort = () => {
      aborted = true;
      if (response) response.destroy();
      else controller.abort();
    };
    const maxLine = this.options.maxEventBytes ?? 16 * 1024 * 1024;
    const done = (async (): Promise<Error | null> => {
      try {
        const res = (response = await this.#request(path, { ...params, watch: 'true' }, controller.signal));
        if (aborted) {
          res.destroy();
          return null;
        }
        if (res.statusCode !== 200) {
          res.resume();
          return new KubernetesApiError(res.statusCode ?? 0, `watch ${path}: HTTP ${res.statusCode}`);
        }
        // Newline-delimited events, each bounded: a partial line never grows past maxLine, and only
        // the new chunk is searched for the newline (a long line costs its length, not its square).
        const tooLong = (): KubernetesApiError => {
          res.destroy();
          return new KubernetesApiError(0, `watch ${path}: an event is over ${maxLine} characters`);
        };
        let partial = '';
        res.setEncoding('utf8');
        for await (const chunk of res as AsyncIterable<string>) {
          if (aborted) return null;
          let from = 0;
          let newline: number;
          while ((newline = chunk.indexOf('\n', from)) >= 0) {
            const line = partial + chunk.slice(from, newline);
            partial = '';
            from = newline + 1;
            if (line.length > maxLine) return tooLong();
            if (!line.trim()) continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              res.destroy();
              return new KubernetesApiError(0, `watch ${path}: an event is not JSON`);
            }
            onEvent(event);
            if (aborted) return null;
          }
          partial += chunk.slice(from);
          if (partial.length > maxLine) return tooLong();
        }
        return null;
      } catch (e) {
        return aborted ? null : (e as Error);
      }
    })();
    return { abort, done };
  }
}
