/**
 * The value at a field path as conditions and validation errors spell it (`spec.servers[0].hosts[1]`),
 * read from a manifest; undefined when any step is missing. Paths come from keyway's own parsers.
 */
export function valueAt(manifest: unknown, path: string): unknown {
  let at: unknown = manifest;
  for (const step of path.match(/[^.[\]]+/g) ?? []) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at)
      ? /^\d+$/.test(step)
        ? at[Number(step)]
        : undefined
      : (at as Record<string, unknown>)[step];
  }
  return at;
}

/** A manifest value quoted for a finding: strings as JSON strings, the rest as JSON, bounded. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
