/**
 * Go-style durations as cert-manager and Vault write them (`2160h`, `1h30m`, `90s`), in whole
 * seconds. Days are deliberately absent: Go's parser has none, so `2160h` means the same everywhere.
 */
const DURATION = /^(?:\d+[hms])+$/;
const PART = /(\d+)([hms])/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

export type DurationResult = { ok: true; seconds: number } | { ok: false; message: string };

export function parseDuration(text: string): DurationResult {
  if (typeof text !== 'string' || !DURATION.test(text)) {
    return { ok: false, message: `${JSON.stringify(text)} is not a duration like 2160h, 1h30m or 90s` };
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) seconds += Number(amount) * UNIT_SECONDS[unit];
  if (!Number.isSafeInteger(seconds)) return { ok: false, message: `${JSON.stringify(text)} is too long` };
  return { ok: true, seconds };
}

/** Seconds as the shortest Go-style duration: 5400 -> `1h30m`, 0 -> `0s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec ? `${sec}s` : ''}`;
  return out || '0s';
}
