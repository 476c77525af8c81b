import type { ApiObject as Obj } from './api-client.js';
import { age } from './table.js';

/** Column layouts per resource, as kubectl prints them. Pure: objects in, headers and rows out. */

export interface TableView {
  headers: string[];
  rows: string[][];
}

function meta(o: Obj): Obj {
  return (o.metadata ?? {}) as Obj;
}

function list(v: unknown): string {
  return Array.isArray(v) && v.length > 0 ? v.map(String).join(',') : '<none>';
}

/** Secrets from the api carry no data, only the names of their keys (annotation keyway.io/keys). */
function dataCount(o: Obj): number {
  if (o.data) return Object.keys(o.data).length;
  const keys = String(meta(o).annotations?.['keyway.io/keys'] ?? '');
  return keys === '' ? 0 : keys.split(',').length;
}

/** `-o wide`: columns kubectl would hide from the plain table, appended per resource. */
function wideColumns(resource: string): { headers: string[]; cells: (o: Obj) => string[] } | undefined {
  const note = (o: Obj, key: string) => String(meta(o).annotations?.[`keyway.io/${key}`] ?? '') || '<none>';
  switch (resource) {
    case 'secrets':
      return {
        headers: ['SERIAL', 'NOT-AFTER', 'ISSUER', 'SOURCES', 'HOSTS'],
        cells: (o) => ['serial', 'not-after', 'issuer', 'sources', 'hosts'].map((k) => note(o, k)),
      };
    case 'gateways':
      return {
        headers: ['SERVERS', 'HOSTS', 'CREDENTIALS'],
        cells: (o) => {
          const servers: Obj[] = o.spec?.servers ?? [];
          return [
            list(servers.map((sv) => `${sv.port?.protocol ?? '?'}/${sv.port?.number ?? '?'}`)),
            list([...new Set(servers.flatMap((sv) => sv.hosts ?? []))]),
            list([
              ...new Set(servers.flatMap((sv) => (sv.tls?.credentialName ? [sv.tls.credentialName] : []))),
            ]),
          ];
        },
      };
    case 'certificates':
      return {
        headers: ['ISSUER', 'SERIAL', 'NOT-AFTER', 'RENEWAL'],
        cells: (o) => [
          o.spec?.issuerRef?.name ?? o.spec?.issuer ?? '<none>',
          o.status?.serial ?? '<none>',
          o.status?.notAfter ?? '<none>',
          o.status?.renewalTime ?? '<none>',
        ],
      };
    default:
      return undefined;
  }
}

export function tableView(
  resource: string,
  items: Obj[],
  now: Date,
  allNamespaces = false,
  wide = false,
): TableView {
  const extra = wide ? wideColumns(resource) : undefined;
  const withNs = (headers: string[], rows: string[][]): TableView => {
    const h = extra ? [...headers, ...extra.headers] : headers;
    const r = extra ? rows.map((row, i) => [...row, ...extra.cells(items[i])]) : rows;
    return allNamespaces
      ? {
          headers: ['NAMESPACE', ...h],
          rows: r.map((row, i) => [String(meta(items[i]).namespace ?? ''), ...row]),
        }
      : { headers: h, rows: r };
  };
  const created = (o: Obj) => age(meta(o).creationTimestamp, now);
  switch (resource) {
    case 'secrets':
      return withNs(
        ['NAME', 'TYPE', 'DATA', 'AGE'],
        items.map((o) => [meta(o).name, o.type ?? 'Opaque', String(dataCount(o)), created(o)]),
      );
    case 'gateways':
      return withNs(
        ['NAME', 'AGE'],
        items.map((o) => [meta(o).name, created(o)]),
      );
    case 'virtualservices':
      return withNs(
        ['NAME', 'GATEWAYS', 'HOSTS', 'AGE'],
        items.map((o) => [
          meta(o).name,
          JSON.stringify(o.spec?.gateways ?? []),
          JSON.stringify(o.spec?.hosts ?? []),
          created(o),
        ]),
      );
    case 'serviceentries':
      return withNs(
        ['NAME', 'HOSTS', 'LOCATION', 'RESOLUTION', 'AGE'],
        items.map((o) => [
          meta(o).name,
          JSON.stringify(o.spec?.hosts ?? []),
          o.spec?.location ?? '',
          o.spec?.resolution ?? '',
          created(o),
        ]),
      );
    case 'certificates':
      return withNs(
        ['NAME', 'READY', 'SECRET', 'AGE'],
        items.map((o) => [
          meta(o).name,
          o.status?.ready === undefined ? 'Unknown' : o.status.ready ? 'True' : 'False',
          o.spec?.secretName ?? '',
          created(o),
        ]),
      );
    case 'services':
      return withNs(
        ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
        items.map((o) => [
          meta(o).name,
          o.spec?.type ?? '',
          o.spec?.clusterIP ?? '<none>',
          list((o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip ?? i.hostname)),
          (o.spec?.ports ?? [])
            .map((p: Obj) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
            .join(',') || '<none>',
          created(o),
        ]),
      );
    case 'pods':
      return withNs(
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        items.map((o) => {
          const statuses: Obj[] = o.status?.containerStatuses ?? [];
          const ready = statuses.filter((s) => s.ready).length;
          return [
            meta(o).name,
            `${ready}/${statuses.length}`,
            o.status?.phase ?? 'Unknown',
            String(statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0)),
            age(o.status?.startTime ?? meta(o).creationTimestamp, now),
          ];
        }),
      );
    default:
      return withNs(
        ['NAME', 'AGE'],
        items.map((o) => [meta(o).name, created(o)]),
      );
  }
}

/** `keyway history`: one row per audited version. */
export function historyView(rows: Obj[]): TableView {
  return {
    headers: ['REVISION', 'ACTION', 'ACTOR', 'SOURCE', 'SERIAL', 'NOT-AFTER', 'RECORDED', 'REASON'],
    rows: rows.map((r) => [
      String(r.revision),
      r.action ?? '',
      r.actor ?? '',
      r.source ?? '',
      r.leafSerial ?? '-',
      r.notAfter ?? '-',
      r.recordedAt ?? '',
      r.reason ?? '',
    ]),
  };
}

/** `keyway proxy-status`, istioctl style: one column per xDS type. */
export function proxyStatusView(entries: Obj[]): TableView {
  const short: Record<string, string> = {
    Listener: 'LDS',
    RouteConfiguration: 'RDS',
    Cluster: 'CDS',
    ClusterLoadAssignment: 'EDS',
    Secret: 'SDS',
  };
  const typeName = (url: string) => short[url.split('.').pop() ?? ''] ?? url.split('.').pop() ?? url;
  const types = [...new Set(entries.flatMap((e) => Object.keys(e.types ?? {})))].sort((a, b) =>
    typeName(a).localeCompare(typeName(b)),
  );
  return {
    headers: ['NAME', 'NAMESPACE', 'GROUP', 'REPLICA', ...types.map(typeName)],
    rows: entries.map((e) => [
      e.nodeId,
      e.namespace,
      e.groupId,
      e.replica,
      ...types.map((t) => e.types?.[t]?.status ?? '-'),
    ]),
  };
}
