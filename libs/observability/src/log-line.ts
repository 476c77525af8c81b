/**
 * One service log line (pino JSON) as a person reads it: time, level, service, message, then the
 * other fields as key=value. Lines that are not JSON pass through. Field values are cut to a fixed
 * length so a client-sized value cannot flood a terminal. Pure.
 */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every line has, shown in the fixed columns or not at all. */
const FIXED = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname']);
const MAX_VALUE = 200;

export function formatLogLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const o = entry as Record<string, unknown>;
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString() : String(o.time ?? '-');
  const level = typeof o.level === 'number' ? (LEVELS[o.level] ?? String(o.level)) : String(o.level ?? '-');
  const fields = Object.entries(o)
    .filter(([k]) => !FIXED.has(k))
    .map(([k, v]) => `${k}=${clip(typeof v === 'string' ? quoteIfSpaced(v) : JSON.stringify(v))}`);
  return [time, level.padEnd(5), String(o.service ?? '-'), clip(String(o.msg ?? '')), ...fields].join('  ');
}

/** Every line of a log text, formatted; keeps the trailing newline. */
export function formatLogText(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : formatLogLine(l)))
    .join('\n');
}

function quoteIfSpaced(v: string): string {
  return /[\s"]/.test(v) ? JSON.stringify(v) : v;
}

function clip(v: string): string {
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}...(${v.length - MAX_VALUE} more)` : v;
}
