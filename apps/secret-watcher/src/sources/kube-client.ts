import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';

/**
 * The two calls the Kubernetes source needs (list, and a streaming watch), over node:http(s).
 * `@kubernetes/client-node` 2.x pulls in undici 8, which needs Node 22 (zstd in node:zlib) and fails
 * to load on Node 20; this client keeps the same wire protocol without it.
 */
export interface KubeClientOptions {
  /** `https://kubernetes.default.svc` or `http://127.0.0.1:port` (tests). */
  server: string;
  token?: string;
  /** PEM CA bundle file for an https server (in cluster: the service account's ca.crt). */
  caFile?: string;
}

export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface WatchHandle {
  abort(): void;
  /** Resolves when the server closes the stream (null) or the request fails (the error). */
  done: Promise<unknown>;
}

export class KubeClient {
  readonly #base: URL;
  readonly #ca?: Buffer;

  constructor(private readonly options: KubeClientOptions) {
    this.#base = new URL(options.server);
    this.#ca = options.caFile ? fs.readFileSync(options.caFile) : undefined;
  }

  #request(
    path: string,
    params: Record<string, string | undefined>,
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const url = new URL(path, this.#base);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.get(url, { headers, signal, ...(this.#ca ? { ca: this.#ca } : {}) }, resolve);
      req.on('error', reject);
    });
  }

  async list<T>(path: string, params: Record<string, string | undefined>): Promise<T> {
    const res = await this.#request(path, params);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200)
      throw new KubeApiError(
        res.statusCode ?? 0,
        `GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`,
      );
    return JSON.parse(body) as T;
  }

  /** Streams watch events (one JSON object per line) to `onEvent` until the stream ends. */
  watch(
    path: string,
    params: Record<string, string | undefined>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a watch event's object is the listed kind's JSON, read by the source
    onEvent: (type: string, object: any) => void,
  ): WatchHandle {
    const controller = new AbortController();
    const done = (async () => {
      try {
        const res = await this.#request(path, { ...params, watch: 'true' }, controller.signal);
        if (res.statusCode !== 200) {
          res.resume();
          return new KubeApiError(res.statusCode ?? 0, `watch ${path}: HTTP ${res.statusCode}`);
        }
        const lines = createInterface({ input: res, crlfDelay: Infinity });
        for await (const line of lines) {
          if (!line.trim()) continue;
          let event: { type?: string; object?: unknown };
          try {
            event = JSON.parse(line);
          } catch {
            continue;
          }
          onEvent(String(event.type), event.object);
        }
        return null;
      } catch (e) {
        return controller.signal.aborted ? null : e;
      }
    })();
    return { abort: () => controller.abort(), done };
  }
}
