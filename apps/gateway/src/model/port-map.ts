/**
 * Maps the ports listeners declare to the ports the gateway binds: Istio's gateway Service sends
 * 443 to 8443 and 80 to 8080, so an unprivileged process can serve a Gateway written for 443.
 */
export type PortMap = ReadonlyMap<number, number>;

export const DEFAULT_PORT_MAP: PortMap = new Map([
  [443, 8443],
  [80, 8080],
]);

/** Parses `443:8443,80:8080`; an empty text means no mapping. */
export function parsePortMap(text: string): PortMap {
  const map = new Map<number, number>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^(\d{1,5})[:=](\d{1,5})$/.exec(entry);
    if (!m) throw new Error(`port map entry "${entry}" is not <listener port>:<bind port>`);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (from > 65535 || to > 65535) throw new Error(`port map entry "${entry}" is out of range`);
    map.set(from, to);
  }
  return map;
}

export function bindPort(map: PortMap, listenerPort: number): number {
  return map.get(listenerPort) ?? listenerPort;
}

const DEFAULT_PORT: Record<string, number> = { 'https:': 443, 'http:': 80 };

/**
 * A redirect that lands on a scheme's default port (Envoy's https_redirect and require_tls leave the
 * port out, meaning 443) points, locally, at the port that listener is bound to: with 443 served on
 * 8443, `https://host/x` becomes `https://host:8443/x`. A location with an explicit port, or whose
 * default port is not mapped, is left as it is.
 */
export function localRedirectLocation(map: PortMap, location: string): string {
  const m = /^(https?:)\/\/([^/?#]*)(.*)$/i.exec(location);
  if (!m) return location;
  const [, scheme, authority, rest] = m;
  // An explicit port (after a closing bracket for IPv6, or the only colon otherwise) stays.
  if (/\]:\d+$/.test(authority) || (!authority.startsWith('[') && authority.includes(':'))) return location;
  const listenerPort = DEFAULT_PORT[scheme.toLowerCase()];
  const bound = bindPort(map, listenerPort);
  return bound === listenerPort ? location : `${scheme}//${authority}:${bound}${rest}`;
}
