import { parseIpAddress } from '#keyway/ca-policy';

const isIp = (s: string) => parseIpAddress(s) !== null;

/**
 * Where validation connects for a name, as Pebble's `-dnsserver`/hosts options let tests and local
 * use reach the client: `ACME_VALIDATION_HOSTS=name=address,*.suffix=address`. A name not listed is
 * resolved by DNS. Addresses are IPs only, so the list itself never needs a lookup.
 */
export interface ValidationHost {
  /** A name, or `*.suffix` for every name under suffix. */
  pattern: string;
  address: string;
}

export function parseValidationHosts(spec: string | undefined): ValidationHost[] {
  if (spec === undefined || spec.trim() === '') return [];
  return spec.split(',').map((entry) => {
    const [pattern, address, ...rest] = entry.trim().split('=');
    if (!pattern || !address || rest.length > 0)
      throw new Error(`${JSON.stringify(entry)}: expected name=address (e.g. app.example.com=127.0.0.1)`);
    if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(pattern.toLowerCase()))
      throw new Error(`${JSON.stringify(pattern)}: expected a DNS name or *.suffix`);
    if (!isIp(address)) throw new Error(`${JSON.stringify(address)}: expected an IPv4 or IPv6 address`);
    return { pattern: pattern.toLowerCase(), address };
  });
}

/** The configured address for a name: an exact entry first, then the longest matching suffix. */
export function validationAddressOf(hosts: readonly ValidationHost[], name: string): string | undefined {
  const n = name.toLowerCase();
  const exact = hosts.find((h) => h.pattern === n);
  if (exact) return exact.address;
  let best: ValidationHost | undefined;
  for (const h of hosts) {
    if (!h.pattern.startsWith('*.')) continue;
    const suffix = h.pattern.slice(1);
    if (n.endsWith(suffix) && (!best || h.pattern.length > best.pattern.length)) best = h;
  }
  return best?.address;
}

/** `host:port` (IPv6 in brackets) for ACME_DNS_SERVER. */
export function parseHostPort(spec: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (!m || !isIp(m[1])) throw new Error(`${JSON.stringify(spec)}: expected address[:port]`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${JSON.stringify(spec)}: bad port`);
  return { host: m[1], port };
}
