/**
 * Envoy's virtual host domain search: exact names first, then suffix wildcards (`*.foo.com`,
 * longest wins), then prefix wildcards (`foo.*`, `foo.com:*`, longest wins), then `*`. A wildcard
 * matches at least one character. Hosts compare case-insensitively.
 */
export interface DomainIndex<T> {
  lookup(host: string): T | undefined;
}

export type DomainKind = 'exact' | 'suffix' | 'prefix' | 'any';

export function domainKind(domain: string): DomainKind {
  if (domain === '*') return 'any';
  if (domain.startsWith('*')) return 'suffix';
  if (domain.endsWith('*')) return 'prefix';
  return 'exact';
}

/** Whether `domain` is a valid Envoy domain: at most one `*`, only at the start or the end. */
export function validDomain(domain: string): boolean {
  if (domain === '') return false;
  const stars = domain.split('*').length - 1;
  if (stars === 0) return true;
  return stars === 1 && (domain.startsWith('*') || domain.endsWith('*'));
}

export function buildDomainIndex<T>(
  entries: ReadonlyArray<{ domains: readonly string[]; value: T }>,
): DomainIndex<T> {
  const exact = new Map<string, T>();
  const suffixes: Array<{ suffix: string; value: T }> = [];
  const prefixes: Array<{ prefix: string; value: T }> = [];
  let any: T | undefined;
  for (const { domains, value } of entries) {
    for (const raw of domains) {
      const d = raw.toLowerCase();
      const kind = domainKind(d);
      // The first virtual host to claim a domain keeps it (Envoy rejects duplicates; see validation).
      if (kind === 'exact' && !exact.has(d)) exact.set(d, value);
      else if (kind === 'suffix') suffixes.push({ suffix: d.slice(1), value });
      else if (kind === 'prefix') prefixes.push({ prefix: d.slice(0, -1), value });
      else if (kind === 'any' && any === undefined) any = value;
    }
  }
  // Longest first; ties keep configuration order (sort is stable).
  suffixes.sort((a, b) => b.suffix.length - a.suffix.length);
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    lookup(host) {
      const h = host.toLowerCase();
      const hit = exact.get(h);
      if (hit !== undefined) return hit;
      for (const s of suffixes) if (h.length > s.suffix.length && h.endsWith(s.suffix)) return s.value;
      for (const p of prefixes) if (h.length > p.prefix.length && h.startsWith(p.prefix)) return p.value;
      return any;
    },
  };
}

/** Drops a `:port` from a host (`[::1]:8443` keeps its brackets). */
export function stripPort(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end >= 0 ? authority.slice(0, end + 1) : authority;
  }
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.indexOf(':') !== colon) return authority;
  return /^\d*$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority;
}

/** The port of an authority, if one is written. */
export function authorityPort(authority: string): number | undefined {
  const host = stripPort(authority);
  if (host.length === authority.length) return undefined;
  const port = Number(authority.slice(host.length + 1));
  return Number.isInteger(port) && authority.length > host.length + 1 ? port : undefined;
}
