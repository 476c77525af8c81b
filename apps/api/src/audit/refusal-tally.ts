/**
 * Requests the api refused before doing anything (no or bad token: 401; over the rate limit: 429;
 * its database or its required audit device unavailable: 503)
 * cost a flood nothing to send, so one row each would let any client grow the request log at wire
 * speed. They are counted per actor, status and method instead, and written as one row per window
 * with the count. Pure: the request log (request-log.ts) drains it on its timer.
 */
export interface RequestLogEntry {
  actor: string;
  team?: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** Requests this row stands for (refusals folded into one row); 1 otherwise. */
  count?: number;
}

/** Statuses the middleware answers before a handler runs: folded, never one row each. */
export const FOLDED_STATUSES: ReadonlySet<number> = new Set([401, 429, 503]);

/** Longest path kept: the rest of a client's URL is cut (it is client text). */
export const MAX_LOGGED_PATH = 512;

/** Most distinct actors tallied per window; beyond it, new ones count under the actor `overflow`. */
export const MAX_TALLIED_ACTORS = 1000;

export class RefusalTally {
  #rows = new Map<string, RequestLogEntry & { count: number }>();

  add(e: RequestLogEntry): void {
    const actor = this.#rows.size >= MAX_TALLIED_ACTORS && !this.#has(e) ? 'overflow' : e.actor;
    const key = `${actor}\u0000${e.status}\u0000${e.method}`;
    const row = this.#rows.get(key);
    if (row) {
      row.count += 1;
      row.durationMs = Math.max(row.durationMs, e.durationMs);
      return;
    }
    this.#rows.set(key, {
      actor,
      ...(e.team && actor === e.actor ? { team: e.team } : {}),
      method: e.method,
      // The first refused path stands for the window's.
      path: e.path,
      status: e.status,
      durationMs: e.durationMs,
      count: 1,
    });
  }

  #has(e: RequestLogEntry): boolean {
    return this.#rows.has(`${e.actor}\u0000${e.status}\u0000${e.method}`);
  }

  /** The window's rows, and a fresh window. */
  drain(): Array<RequestLogEntry & { count: number }> {
    const rows = [...this.#rows.values()];
    this.#rows = new Map();
    return rows;
  }
}
