/** Aligned plain-text tables, kubectl style: upper-case headers, columns padded with three spaces. */
export function formatTable(headers: string[], rows: string[][], options: { bold?: boolean } = {}): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  const head = line(headers);
  return [options.bold ? `\u001b[1m${head}\u001b[0m` : head, ...rows.map((r) => line(r))].join('\n') + '\n';
}

/** kubectl's AGE column: 5s, 3m, 2h, 4d, from an ISO time relative to `now`. */
export function age(iso: string | undefined, now: Date): string {
  if (!iso) return '<unknown>';
  const ms = now.getTime() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '<unknown>';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export type Colour = 'red' | 'green' | 'yellow';
const CODES: Record<Colour, number> = { red: 31, green: 32, yellow: 33 };

/** Colour only when writing to a terminal. */
export function paint(text: string, colour: Colour, enabled: boolean): string {
  return enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}
