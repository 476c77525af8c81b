import type { ApiObject as Obj } from './api-client.js';
import type { TableView } from './views.js';

/** `kubernetes://name` or `kubernetes://ns/name` -> the credential's name. */
function credentialName(sdsName: string): string {
  const rest = sdsName.replace(/^kubernetes:\/\//, '');
  return rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : rest;
}

/**
 * `keyway proxy-config secret PROXY`, as istioctl prints it: every secret the proxy was sent, the
 * version it ACKed with that version's serial and validity (from the credential's history), and
 * whether it holds the latest published version. Pure: the api's answers in, a table out.
 */
export function proxySecretsView(
  proxy: Obj,
  credentials: Obj[],
  history: (credential: string) => Obj[],
  now: Date,
): TableView {
  const latest = new Map(credentials.map((c) => [String(c.name), c]));
  const rows = Object.entries((proxy.secrets ?? {}) as Record<string, { sent?: string; acked?: string }>)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([sdsName, state]) => {
      const name = credentialName(sdsName);
      const current = latest.get(name);
      const latestVersion = current ? String(current.contentHash ?? '').slice(0, 16) : undefined;
      const held = state.acked
        ? history(name).find((r) => String(r.contentHash ?? '').startsWith(state.acked!))
        : undefined;
      const status = !state.acked
        ? 'NOT ACKED'
        : latestVersion === undefined
          ? 'REMOVED'
          : state.acked === latestVersion
            ? 'SYNCED'
            : 'STALE';
      const notAfter = held?.notAfter as string | undefined;
      const valid = notAfter ? (Date.parse(notAfter) > now.getTime() ? 'true' : 'false (expired)') : '-';
      return [
        sdsName,
        status,
        state.acked ?? '-',
        latestVersion ?? '-',
        held?.leafSerial ?? '-',
        notAfter ?? '-',
        valid,
        held ? String(held.revision) : '-',
      ];
    });
  return {
    headers: [
      'RESOURCE NAME',
      'STATUS',
      'ACKED VERSION',
      'LATEST VERSION',
      'SERIAL NUMBER',
      'NOT AFTER',
      'VALID CERT',
      'REVISION',
    ],
    rows,
  };
}

const text = (v: unknown): string => (v === undefined || v === null || v === '' ? '-' : String(v));
const list = (values: unknown[], max = 4): string => {
  const shown = values.slice(0, max).map(String);
  return shown.length === 0 ? '-' : shown.join(',') + (values.length > max ? `,+${values.length - max}` : '');
};
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * `keyway proxy-config listener|route|cluster|endpoint PROXY`, in istioctl's spirit: one row per
 * listener, virtual host, cluster or endpoint, from the Envoy resources (JSON, proto field names).
 */
export function proxyConfigView(type: string, resources: Obj[]): TableView {
  switch (type) {
    case 'listener':
      return {
        headers: ['NAME', 'ADDRESS', 'PORT', 'FILTER CHAINS', 'SERVER NAMES'],
        rows: resources.map(({ resource: l }) => [
          text(l.name),
          text(l.address?.socket_address?.address),
          text(l.address?.socket_address?.port_value),
          String(arr(l.filter_chains).length),
          list(arr(l.filter_chains).flatMap((c) => arr(c.filter_chain_match?.server_names))),
        ]),
      };
    case 'route':
      return {
        headers: ['NAME', 'VHOST NAME', 'DOMAINS', 'ROUTES'],
        rows: resources.flatMap(({ resource: r }) =>
          arr(r.virtual_hosts).map((vh) => [
            text(r.name),
            text(vh.name),
            list(arr(vh.domains)),
            String(arr(vh.routes).length),
          ]),
        ),
      };
    case 'cluster':
      return {
        headers: ['NAME', 'TYPE', 'LB POLICY', 'TLS'],
        rows: resources.map(({ resource: c }) => [
          text(c.name),
          text(c.type ?? (c.eds_cluster_config ? 'EDS' : 'STATIC')),
          text(c.lb_policy ?? 'ROUND_ROBIN'),
          c.transport_socket ? 'yes' : 'no',
        ]),
      };
    default:
      return {
        headers: ['CLUSTER', 'ENDPOINT', 'HEALTH'],
        rows: resources.flatMap(({ resource: a }) =>
          arr(a.endpoints).flatMap((group) =>
            arr(group.lb_endpoints).map((e) => {
              const sa = e.endpoint?.address?.socket_address ?? {};
              return [
                text(a.cluster_name),
                `${text(sa.address)}:${text(sa.port_value)}`,
                text(e.health_status ?? 'UNKNOWN'),
              ];
            }),
          ),
        ),
      };
  }
}
