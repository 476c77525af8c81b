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
