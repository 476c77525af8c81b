/**
 * TLS server name matching as Envoy's filter chain match does it: an exact name first, then
 * `*.`-wildcards from the most to the least specific (`a.b.example.com` tries `*.b.example.com`,
 * then `*.example.com`, then `*.com`). Returns the specificity (higher is better), or -1.
 */
export function serverNameSpecificity(pattern: string, serverName: string): number {
  const p = pattern.toLowerCase();
  const name = serverName.toLowerCase();
  if (p === name) return Number.MAX_SAFE_INTEGER;
  if (!p.startsWith('*.')) return -1;
  const suffix = p.slice(1);
  return name.length > suffix.length && name.endsWith(suffix) ? suffix.length : -1;
}

/** Best specificity of `serverName` over a list of patterns, -1 when none applies. */
export function bestServerNameMatch(patterns: readonly string[], serverName: string): number {
  let best = -1;
  for (const p of patterns) best = Math.max(best, serverNameSpecificity(p, serverName));
  return best;
}
