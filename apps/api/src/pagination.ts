/**
 * limit/cursor pages over a sorted list. The cursor is the sort key of the last item served,
 * base64url-encoded, so a page stays correct when items are added or removed in between.
 */
export interface Page<T> {
  items: T[];
  next?: string;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new CursorError(`limit: must be a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

export function paginate<T>(items: T[], keyOf: (item: T) => string, limit: number, cursor?: string): Page<T> {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (cursor) {
    let after: string;
    try {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
    } catch {
      throw new CursorError('cursor: not a cursor from a previous page');
    }
    start = sorted.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  return more
    ? { items: page, next: Buffer.from(keyOf(page[page.length - 1]), 'utf8').toString('base64url') }
    : { items: page };
}
