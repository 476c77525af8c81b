// The console's one door to the api: the user's bearer token (kept in sessionStorage, so it ends with
// the tab), JSON in and out, and every error answer turned into an ApiError carrying the api's message.

const TOKEN_KEY = 'keyway.console.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  token: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  signIn: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token.trim()),
  signOut: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** The api's origin: the console is served at `<api>/ui/`, or by its own server proxying `/v1`. */
const base = (): string => '';

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(`${base()}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', `the api did not answer: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { code?: string; message?: string; errorId?: string };
    const message = b.message ?? `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    throw new ApiError(
      res.status,
      b.code ?? 'error',
      b.errorId ? `${message} (error id ${b.errorId})` : message,
    );
  }
  return body as T;
}

/**
 * Every item of a paged list (`limit`, `metadata.continue`), at most `maxPages` pages of 1000:
 * `onPage` sees the items so far after each page.
 */
export async function listAll<T>(
  path: string,
  options: { maxPages?: number; onPage?: (items: T[]) => void } = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 0; page < (options.maxPages ?? 50); page++) {
    const q = `${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api<{ items?: T[]; metadata?: { continue?: string } }>(`${path}${q}`);
    items.push(...(r.items ?? []));
    options.onPage?.(items);
    cursor = r.metadata?.continue;
    if (!cursor) break;
  }
  return items;
}
