/** How soon a certificate expires, as the overview counts it. */
export type ExpiryBucket = 'expired' | 'within-7-days' | 'within-30-days' | 'later' | 'no-certificate';

const DAY = 86_400_000;

export function expiryBucket(notAfter: number | undefined, now: number): ExpiryBucket {
  if (notAfter === undefined) return 'no-certificate';
  if (notAfter <= now) return 'expired';
  if (notAfter - now <= 7 * DAY) return 'within-7-days';
  if (notAfter - now <= 30 * DAY) return 'within-30-days';
  return 'later';
}

export interface ExpiryCounts {
  expired: number;
  within7Days: number;
  /** Within 30 days, including those within 7. */
  within30Days: number;
  total: number;
}

export function expiryCounts(notAfters: ReadonlyArray<number | undefined>, now: number): ExpiryCounts {
  const c: ExpiryCounts = { expired: 0, within7Days: 0, within30Days: 0, total: notAfters.length };
  for (const t of notAfters) {
    const b = expiryBucket(t, now);
    if (b === 'expired') c.expired++;
    if (b === 'within-7-days') c.within7Days++;
    if (b === 'within-7-days' || b === 'within-30-days') c.within30Days++;
  }
  return c;
}

/**
 * The expiry timeline the credentials page plots: certificates expiring per day from today for
 * `days` days (expired ones counted on day 0), as uPlot's columns: x in seconds, y as counts.
 */
export function expiryTimeline(
  notAfters: ReadonlyArray<number | undefined>,
  now: number,
  days: number,
): [number[], number[]] {
  const start = Math.floor(now / DAY) * DAY;
  const xs = Array.from({ length: days }, (_, i) => (start + i * DAY) / 1000);
  const ys = new Array<number>(days).fill(0);
  for (const t of notAfters) {
    if (t === undefined) continue;
    const day = Math.max(0, Math.floor((t - start) / DAY));
    if (day < days) ys[day]++;
  }
  return [xs, ys];
}
