/** Hostname rules shared by Gateway and VirtualService hosts (Istio's: a DNS name, `*.`-prefixed wildcard, or `*`). */
const LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export function isValidHost(host: string): boolean {
  if (host === '*') return true;
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => label.length <= 63 && LABEL.test(label));
}

export function isWildcardHost(host: string): boolean {
  return host === '*' || host.startsWith('*.');
}

/** Does host `a` (possibly wildcard) cover every name `b` covers? */
export function hostCovers(a: string, b: string): boolean {
  if (a === '*') return true;
  if (a === b) return true;
  if (!a.startsWith('*.')) return false;
  const suffix = a.slice(1); // ".example.com"
  if (b.startsWith('*.')) return b.slice(1).endsWith(suffix) && b.length > a.length;
  return b.endsWith(suffix) && b.length > suffix.length;
}

/**
 * The names two host patterns have in common, as one pattern: the more specific of the two when one
 * covers the other, else none. Istio intersects VirtualService hosts with Gateway hosts this way.
 */
export function intersectHost(a: string, b: string): string | undefined {
  if (hostCovers(a, b)) return b;
  if (hostCovers(b, a)) return a;
  return undefined;
}
