import type { AuditEvent } from '#keyway/contracts';

/** Newest first; within one timestamp, by id (ids are `<source>:<zero-padded row id>`). */
export function newestFirst(a: AuditEvent, b: AuditEvent): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * One page of events from several sources, each asked for `limit` events after the same position:
 * merged newest first and cut to `limit`. There may be more when any source filled its page.
 */
export function mergePage(
  sources: ReadonlyArray<readonly AuditEvent[]>,
  limit: number,
): { items: AuditEvent[]; next?: { at: string; id: string } } {
  const all = sources.flat().sort(newestFirst);
  const items = all.slice(0, limit);
  const more = all.length > limit || sources.some((s) => s.length >= limit);
  const last = items.at(-1);
  return { items, ...(more && last ? { next: { at: last.at, id: last.id } } : {}) };
}

export function encodeCursor(position: { at: string; id: string }): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    return typeof v.at === 'string' && typeof v.id === 'string' && v.at.length < 64 && v.id.length < 64
      ? { at: v.at, id: v.id }
      : undefined;
  } catch {
    return undefined;
  }
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `7d`, `30m` before `now`, or an ISO time, as the ISO text the records keep; undefined if neither. */
export function timeBound(value: string, now: Date): string | undefined {
  const rel = /^(\d{1,6})([smhd])$/.exec(value);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNITS[rel[2]]).toISOString();
  const t = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(t) ? new Date(t).toISOString() : undefined;
}
