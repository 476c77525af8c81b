import { compareAge, type Gateway, type GatewayServer } from '#keyway/istio';
import type { IrCondition, IrServer, ProxyGroup } from './model.js';
import { StatusCodes } from './status.js';

/** Istio's default: a Gateway applies to every proxy, in any namespace, whose labels include its selector. */
export function gatewaySelects(gateway: Gateway, group: ProxyGroup): boolean {
  for (const [k, v] of Object.entries(gateway.selector)) if (group.labels[k] !== v) return false;
  return true;
}

/** Oldest first, then namespace/name (Istio's precedence); each timestamp parsed once per sort. */
export function sortByAge<T extends { meta: Gateway['meta'] }>(items: readonly T[]): T[] {
  const keyed = items.map((item) => ({
    item,
    ms: item.meta.creationTimestamp ? Date.parse(item.meta.creationTimestamp) : Number.POSITIVE_INFINITY,
  }));
  keyed.sort((a, b) => {
    const d = a.ms - b.ms;
    return d !== 0 && !Number.isNaN(d) ? d : compareAge(a.item.meta, b.item.meta);
  });
  return keyed.map((k) => k.item);
}

export interface GatewayServers {
  /** `namespace/name`, as VirtualServices name the Gateway. */
  ref: string;
  servers: IrServer[];
  conditions: IrCondition[];
}

/** A Gateway's servers in IR form, with what keyway cannot serve reported per server. Pure in the Gateway. */
export function gatewayServers(gateway: Gateway): GatewayServers {
  const servers: IrServer[] = [];
  const conditions: IrCondition[] = [];
  const where = {
    namespace: gateway.meta.namespace,
    name: gateway.meta.name,
    ref: `${gateway.meta.namespace}/${gateway.meta.name}`,
  };
  for (const s of gateway.servers) {
    const tls = s.tls;
    for (const c of tls?.ignoredCipherSuites ?? []) {
      conditions.push({
        field: `spec.servers[${s.index}].tls.cipherSuites`,
        code: StatusCodes.ignoredCipherSuite,
        message: `ignored "${c}": unknown to Envoy or repeated`,
        severity: 'warning',
      });
    }
    const kind = serverKind(s);
    if (typeof kind !== 'string') {
      conditions.push({
        field: `spec.servers[${s.index}]`,
        code: StatusCodes.unsupported,
        message: kind.reason,
        severity: 'error',
      });
      continue;
    }
    const hosts = s.hosts.length === 1 ? [s.hosts[0].host] : [...new Set(s.hosts.map((h) => h.host))].sort();
    const server: IrServer = {
      id: `${gateway.id}#servers[${s.index}]`,
      gateway: where,
      index: s.index,
      port: s.port.number,
      portName: s.port.name,
      kind,
      hosts,
      hostRules: s.hosts.map((h) => ({
        host: h.host,
        namespace: h.namespace === '.' ? gateway.meta.namespace : h.namespace,
      })),
      httpsRedirect: kind === 'http' && (tls?.httpsRedirect ?? false),
    };
    if (kind === 'https' && tls?.credentialName) {
      const mode = tls.mode as 'SIMPLE' | 'MUTUAL' | 'OPTIONAL_MUTUAL';
      server.tls = {
        mode,
        credentialName: tls.credentialName,
        ...(mode !== 'SIMPLE' ? { caCredentialName: `${tls.credentialName}-cacert` } : {}),
        subjectAltNames: tls.subjectAltNames,
        verifyCertificateSpki: tls.verifyCertificateSpki,
        verifyCertificateHash: tls.verifyCertificateHash,
        minProtocolVersion: tls.minProtocolVersion,
        maxProtocolVersion: tls.maxProtocolVersion,
        cipherSuites: tls.cipherSuites,
      };
    }
    servers.push(server);
  }
  // Kept per Gateway: exact-length arrays rather than push-grown ones.
  return {
    ref: where.ref,
    servers: servers.slice(),
    conditions: conditions.length > 0 ? conditions.slice() : conditions,
  };
}

function serverKind(s: GatewayServer): IrServer['kind'] | { reason: string } {
  const p = s.port.protocol;
  if (p === 'HTTP' || p === 'HTTP2' || p === 'GRPC') {
    if (s.tls && !s.tls.httpsRedirect) {
      return { reason: `protocol ${p} with tls mode ${s.tls.mode}: use protocol HTTPS or TLS for TLS` };
    }
    return 'http';
  }
  if (p === 'HTTPS' || p === 'TLS') {
    const mode = s.tls?.mode;
    if (mode === 'PASSTHROUGH') return 'passthrough';
    if (p === 'HTTPS' && (mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL'))
      return 'https';
    return { reason: `protocol ${p} with tls mode ${mode ?? 'unset'} is not supported by keyway gateways` };
  }
  return { reason: `protocol ${p} is not supported by keyway gateways` };
}
