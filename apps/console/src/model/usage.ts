import type { GatewayObject, ProxyRecord } from './api-types.js';
import { credentialNameOf } from './proxy-view.js';

export interface CredentialUsage {
  gateways: Array<{ gateway: string; server: number; port: string; hosts: string[] }>;
  hosts: string[];
  proxies: Array<{ proxy: string; namespace: string; resource: string; acked: string }>;
}

/**
 * Who uses a credential: the Gateway servers that name it (`credentialName`, bare or `ns/name`), the
 * hosts those servers answer for, and the proxies it was sent to (their SDS resources).
 */
export function credentialUsage(
  namespace: string,
  name: string,
  gateways: readonly GatewayObject[],
  proxies: readonly ProxyRecord[],
): CredentialUsage {
  const named = (credentialName: string, gatewayNamespace: string) => {
    const [ns, n] = credentialName.includes('/')
      ? credentialName.split('/', 2)
      : [gatewayNamespace, credentialName];
    // Istio reads a Gateway's credential from the proxy's namespace; keyway also from the Gateway's own.
    return n === name && (ns === namespace || !credentialName.includes('/'));
  };
  const servers = gateways.flatMap((g) =>
    (g.spec?.servers ?? []).flatMap((s, server) =>
      s.tls?.credentialName && named(s.tls.credentialName, g.metadata.namespace)
        ? [
            {
              gateway: `${g.metadata.namespace}/${g.metadata.name}`,
              server,
              port: [s.port?.number, s.port?.name].filter((x) => x !== undefined).join(' '),
              hosts: (s.hosts ?? []).map((h) => h.replace(/^[^/]*\//, '')),
            },
          ]
        : [],
    ),
  );
  const used = proxies.flatMap((p) =>
    Object.entries(p.secrets ?? {})
      .filter(([resource]) => {
        const rest = resource.replace(/^kubernetes:\/\//, '');
        const ns = rest.includes('/') ? rest.split('/')[0] : p.namespace;
        return ns === namespace && credentialNameOf(resource) === name;
      })
      .map(([resource, state]) => ({
        proxy: p.nodeId,
        namespace: p.namespace,
        resource,
        acked: state.acked ?? '—',
      })),
  );
  return {
    gateways: servers,
    hosts: [...new Set(servers.flatMap((s) => s.hosts))].sort(),
    proxies: used,
  };
}
