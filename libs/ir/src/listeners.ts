import type { IrServer } from './model.js';
import { StatusCodes, type StatusBook } from './status.js';

export interface PortServers {
  port: number;
  kind: 'tls' | 'plain';
  servers: IrServer[];
}

/**
 * Places servers (already in precedence order: oldest Gateway first) on ports. A server whose
 * credential is unknown, whose protocol disagrees with the port's, or whose TLS host another server
 * already claims on the port is dropped alone and reported; the rest are untouched.
 */
export function assignPorts(
  servers: readonly { gatewayId: string; server: IrServer }[],
  knownCredentials: ReadonlySet<string> | undefined,
  book: StatusBook,
): PortServers[] {
  const ports = new Map<number, PortServers & { claimed: Map<string, string> }>();
  for (const { gatewayId, server } of servers) {
    const field = `spec.servers[${server.index}]`;
    if (server.tls && knownCredentials) {
      if (!knownCredentials.has(server.tls.credentialName)) {
        book.error(
          gatewayId,
          `${field}.tls.credentialName`,
          StatusCodes.unknownCredential,
          `no credential "${server.tls.credentialName}" in namespace of the proxies`,
        );
        continue;
      }
      const ca = server.tls.caCredentialName;
      if (ca && !knownCredentials.has(ca)) {
        book.error(
          gatewayId,
          `${field}.tls.credentialName`,
          StatusCodes.unknownCaCredential,
          `mode ${server.tls.mode} needs a CA: no "${ca}" (a ca.crt in "${server.tls.credentialName}" or a separate Secret)`,
        );
        continue;
      }
    }
    const kind = server.kind === 'http' ? 'plain' : 'tls';
    let entry = ports.get(server.port);
    if (!entry) {
      entry = { port: server.port, kind, servers: [], claimed: new Map() };
      ports.set(server.port, entry);
    }
    if (entry.kind !== kind) {
      const first = entry.servers[0]?.id ?? 'another server';
      book.error(
        gatewayId,
        `${field}.port`,
        StatusCodes.portProtocolMismatch,
        `port ${server.port} already serves ${entry.kind === 'tls' ? 'TLS' : 'plain HTTP'} for ${first}`,
      );
      continue;
    }
    if (kind === 'tls') {
      const taken = server.hosts.find((h) => entry.claimed.has(h));
      if (taken !== undefined) {
        book.error(
          gatewayId,
          `${field}.hosts`,
          StatusCodes.hostConflict,
          `host "${taken}" on port ${server.port} is already served by ${entry.claimed.get(taken)}`,
        );
        continue;
      }
      for (const h of server.hosts) entry.claimed.set(h, server.id);
    }
    entry.servers.push(server);
  }
  return [...ports.values()]
    .sort((a, b) => a.port - b.port)
    .map(({ port, kind, servers: s }) => ({ port, kind, servers: s }));
}
