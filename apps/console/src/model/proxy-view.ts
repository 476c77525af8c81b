import type { CredentialVersion, ProxyRecord } from './api-types.js';

/** xDS type URLs by the names operators use (istioctl proxy-status columns). */
const SHORT: Record<string, string> = {
  'envoy.config.listener.v3.Listener': 'LDS',
  'envoy.config.route.v3.RouteConfiguration': 'RDS',
  'envoy.config.cluster.v3.Cluster': 'CDS',
  'envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
};
const ORDER = ['CDS', 'LDS', 'EDS', 'RDS', 'SDS'];

export function shortType(typeUrl: string): string {
  const name = typeUrl.replace(/^type\.googleapis\.com\//, '');
  return SHORT[name] ?? name;
}

export interface TypeState {
  type: string;
  status: string;
  acked: string;
  current: string;
}

export function typeStates(proxy: ProxyRecord): TypeState[] {
  return Object.entries(proxy.types ?? {})
    .map(([url, t]) => ({
      type: shortType(url),
      status: t.status ?? (t.acked && t.acked === t.current ? 'SYNCED' : 'STALE'),
      acked: t.acked ?? '—',
      current: t.current ?? '—',
    }))
    .sort((a, b) => {
      const ia = ORDER.indexOf(a.type);
      const ib = ORDER.indexOf(b.type);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a.type < b.type ? -1 : 1);
    });
}

/** In sync: every type it was sent is ACKed at the current version. */
export function inSync(proxy: ProxyRecord): boolean {
  const states = typeStates(proxy);
  return states.length > 0 && states.every((s) => s.status === 'SYNCED');
}

/** `kubernetes://name` or `kubernetes://ns/name` -> the credential's name. */
export function credentialNameOf(sdsName: string): string {
  const rest = sdsName.replace(/^kubernetes:\/\//, '');
  return rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : rest;
}

export interface ProxySecretRow {
  resource: string;
  credential: string;
  status: 'SYNCED' | 'STALE' | 'NOT ACKED' | 'REMOVED';
  acked: string;
  latest: string;
  serial: string;
  notAfter: string;
  revision: string;
}

/**
 * A proxy's secrets as `keyway proxy-config secret` shows them: the version it ACKed (matched to the
 * credential's history by content-hash prefix), and whether that is the latest published one.
 */
export function proxySecretRows(
  proxy: ProxyRecord,
  latestHash: ReadonlyMap<string, string>,
  history: (credential: string) => readonly CredentialVersion[],
): ProxySecretRow[] {
  return Object.entries(proxy.secrets ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, state]) => {
      const credential = credentialNameOf(resource);
      const full = latestHash.get(credential);
      const latest = full ? full.slice(0, 16) : undefined;
      const held = state.acked
        ? history(credential).find((v) => (v.contentHash ?? '').startsWith(state.acked!))
        : undefined;
      const status: ProxySecretRow['status'] = !state.acked
        ? 'NOT ACKED'
        : latest === undefined
          ? 'REMOVED'
          : state.acked === latest
            ? 'SYNCED'
            : 'STALE';
      return {
        resource,
        credential,
        status,
        acked: state.acked ?? '—',
        latest: latest ?? '—',
        serial: held?.leafSerial ?? '—',
        notAfter: held?.notAfter ?? '—',
        revision: held ? String(held.revision) : '—',
      };
    });
}
