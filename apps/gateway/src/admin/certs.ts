import type { ResourceStore } from '../xds/resource-store.js';

const DAY_MS = 86_400_000;

/** Per secret: serial, SANs and expiry of served certificates and trusted CAs (Envoy's /certs). */
export function certificatesReport(store: ResourceStore, now = Date.now()): Record<string, unknown> {
  const certificates = [...store.secrets.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => {
      if (s.value.kind === 'tls-certificate') {
        const leaf = s.value.leaf;
        return {
          name: s.name,
          kind: s.value.kind,
          version: s.version,
          ...leaf,
          days_until_expiration: Math.floor((Date.parse(leaf.notAfter) - now) / DAY_MS),
        };
      }
      return {
        name: s.name,
        kind: s.value.kind,
        version: s.version,
        crl_count: s.value.crls.length,
        ca: s.value.authorities.map((a) => ({
          ...a,
          days_until_expiration: Math.floor((Date.parse(a.notAfter) - now) / DAY_MS),
        })),
      };
    });
  return { certificates };
}
