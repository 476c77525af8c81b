/** A protobuf-JSON style duration (`1.5s`, `250ms`, `1m`, `1h30m`) in milliseconds; undefined if malformed. */
export function parseDurationMs(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  const unit: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 1e-3,
    µs: 1e-3,
    ns: 1e-6,
  };
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed === value.length && consumed > 0 ? total : undefined;
}
