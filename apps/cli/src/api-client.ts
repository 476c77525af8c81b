/** The CLI's HTTP seam: one request function, errors as named classes with exit codes. */

/**
 * A JSON object the api answered, read field by field by the views. Its shapes are the api's, checked
 * by the api's own tests; the CLI only prints them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON from the api, read by path
export type ApiObject = Record<string, any>;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class ServerUnreachableError extends CliError {
  constructor(server: string, cause: string) {
    super(
      `cannot reach the keyway api at ${server}: ${cause}. Is it running (npm start)? Otherwise set --server, KEYWAY_SERVER or ~/.keyway/config.`,
      3,
    );
    this.name = 'ServerUnreachableError';
  }
}

export interface ApiErrorBody {
  code?: string;
  message?: string;
  errors?: Array<{ resource?: string; field?: string; message: string }>;
}

export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(formatApiError(status, body), status === 401 || status === 403 ? 4 : 1);
    this.name = 'ApiRequestError';
  }
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export function formatApiError(status: number, body: ApiErrorBody): string {
  const head = `Error from server (${REASONS[status] ?? status}): ${body.message ?? 'request failed'}`;
  const details = (body.errors ?? []).map(
    (e) =>
      `  ${[e.resource, e.field].filter((x) => x && x.length > 0).join(': ')}${e.field || e.resource ? ': ' : ''}${e.message}`,
  );
  const hint = status === 401 ? ['  (check --token, KEYWAY_TOKEN or ~/.keyway/config)'] : [];
  return [head, ...details, ...hint].join('\n');
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export type Fetch = typeof fetch;

/** Methods that may be sent again after an outage answer: the same request, the same result. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export interface RetryPolicy {
  /** Give up once this long has passed since the first attempt. */
  maxSeconds: number;
  /** Told before each retry, so the user knows why the command waits. */
  notify(line: string): void;
  sleep?(ms: number): Promise<void>;
}

export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    private readonly doFetch: Fetch = fetch,
    private readonly retry?: RetryPolicy,
  ) {}

  /**
   * Any answer from the server, error statuses included; throws only when it cannot be reached.
   * An outage answer (503) to an idempotent request is retried with backoff (the server's
   * Retry-After, else 0.5 s doubling to 4 s) for at most retry.maxSeconds, saying so each time.
   */
  async raw(method: string, path: string, body?: { json?: unknown; text?: string }): Promise<ApiResponse> {
    const started = Date.now();
    let delayMs = 500;
    for (;;) {
      const r = await this.#once(method, path, body);
      const policy = this.retry;
      if (r.status !== 503 || !policy || !IDEMPOTENT.has(method.toUpperCase())) return r;
      const wait = r.retryAfterSeconds !== undefined ? r.retryAfterSeconds * 1000 : delayMs;
      if (Date.now() - started + wait > policy.maxSeconds * 1000) return r;
      const why = typeof r.body === 'object' && r.body ? String((r.body as ApiErrorBody).message ?? '') : '';
      policy.notify(
        `keyway: the api is unavailable${why ? ` (${why})` : ''}; retrying in ${(wait / 1000).toFixed(1)}s`,
      );
      await (policy.sleep ?? ((ms) => new Promise((res) => setTimeout(res, ms))))(wait);
      delayMs = Math.min(delayMs * 2, 4000);
    }
  }

  async #once(
    method: string,
    path: string,
    body?: { json?: unknown; text?: string },
  ): Promise<ApiResponse & { retryAfterSeconds?: number }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.text !== undefined) {
      headers['content-type'] = 'application/yaml';
      payload = body.text;
    }
    let res: Response;
    try {
      res = await this.doFetch(this.server + path, { method, headers, body: payload });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerUnreachableError(this.server, cause?.code ?? cause?.message ?? (e as Error).message);
    }
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (type.includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    return {
      status: res.status,
      body: parsed,
      ...(Number.isFinite(retryAfter) && retryAfter >= 0
        ? { retryAfterSeconds: Math.min(retryAfter, 30) }
        : {}),
    };
  }

  /** Like raw, but an error status throws ApiRequestError. */
  async request<T = ApiObject>(
    method: string,
    path: string,
    body?: { json?: unknown; text?: string },
  ): Promise<T> {
    const r = await this.raw(method, path, body);
    if (r.status >= 400)
      throw new ApiRequestError(
        r.status,
        typeof r.body === 'object' && r.body ? (r.body as ApiErrorBody) : { message: String(r.body) },
      );
    return r.body as T;
  }
}
