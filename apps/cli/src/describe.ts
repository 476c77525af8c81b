import type { ApiObject as Obj } from './api-client.js';
import { listenerName, routeConfigName } from '#keyway/xds';
import { age, formatTable } from './table.js';

/**
 * `keyway describe KIND NAME`, in kubectl's layout: what the object is, what it references and what
 * references it, its conditions. Pure: the objects the api returned in, text out (run.ts fetches).
 */

/** `Key:   value` lines, the values aligned as kubectl aligns them. */
function fields(pairs: Array<[string, string | undefined]>, indent = ''): string {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1)) + 2;
  return shown.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)}${v}\n`).join('');
}

/** A titled block: a table, or `<none>` on the title line as kubectl prints empty sections. */
function section(title: string, headers: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}:${' '.repeat(Math.max(1, 14 - title.length))}<none>\n`;
  const table = formatTable(headers, rows)
    .split('\n')
    .filter(Boolean)
    .map((l) => `  ${l}\n`)
    .join('');
  return `${title}:\n${table}`;
}

function note(o: Obj, key: string): string | undefined {
  const v = o.metadata?.annotations?.[`keyway.io/${key}`];
  return v === undefined || v === '' ? undefined : String(v);
}

function expiry(notAfter: string | undefined, now: Date): string | undefined {
  if (!notAfter) return undefined;
  const days = Math.floor((Date.parse(notAfter) - now.getTime()) / 86_400_000);
  return `${notAfter} (${days < 0 ? `expired ${-days}d ago` : `expires in ${days}d`})`;
}

/** Gateway servers naming a credential: `name` itself or its `name-cacert` trust half. */
export function serversUsing(gateways: Obj[], namespace: string, credential: string): string[][] {
  const rows: string[][] = [];
  for (const gw of gateways) {
    for (const server of (gw.spec?.servers ?? []) as Obj[]) {
      const cred = server.tls?.credentialName;
      if (!cred || (cred !== credential && `${cred}-cacert` !== credential)) continue;
      // Istio resolves credentialName in the gateway workload's namespace; keyway's gateways are
      // shared, so list every Gateway naming it and say where it lives.
      const gwNs = String(gw.metadata?.namespace ?? '');
      rows.push([
        `${gwNs}/${gw.metadata?.name}`,
        `${server.port?.name ?? ''} (${server.port?.protocol ?? '?'}/${server.port?.number ?? '?'})`,
        (server.hosts ?? []).join(','),
        server.tls?.mode ?? 'SIMPLE',
        gwNs === namespace ? 'same namespace' : `credential in ${namespace}`,
      ]);
    }
  }
  return rows;
}

export interface SecretDescription {
  secret: Obj;
  gateways: Obj[];
  proxies: Obj[];
  history: Obj[];
  now: Date;
}

export function describeSecret(d: SecretDescription): string {
  const s = d.secret;
  const ns = String(s.metadata?.namespace ?? '');
  const sources = note(s, 'sources')?.split(',') ?? [note(s, 'source') ?? ''];
  let out = fields([
    ['Name', s.metadata?.name],
    ['Namespace', ns],
    ['Type', s.type ?? 'Opaque'],
    ['Source', sources[0]],
    ['Shadowed Copies', sources.length > 1 ? sources.slice(1).join(', ') : undefined],
    ['Revision', note(s, 'revision')],
    ['Keys', note(s, 'keys')?.split(',').join(', ')],
    ['Created', s.metadata?.creationTimestamp],
  ]);
  out += 'Certificate:\n';
  out += fields(
    [
      ['Serial', note(s, 'serial') ?? '<none>'],
      ['Issuer', note(s, 'issuer') ?? '<none>'],
      ['Hosts', note(s, 'hosts')?.split(',').join(', ') ?? '<none>'],
      ['Not After', expiry(note(s, 'not-after'), d.now) ?? '<none>'],
    ],
    '  ',
  );
  out += section(
    'Used By',
    ['GATEWAY', 'SERVER', 'HOSTS', 'TLS', 'WHERE'],
    serversUsing(d.gateways, ns, s.metadata?.name),
  );
  out += section(
    'Proxies',
    ['NAME', 'NAMESPACE', 'SDS', 'ACKED', 'CURRENT'],
    d.proxies
      .filter((p) => p.namespace === ns)
      .map((p) => {
        const sds = Object.entries((p.types ?? {}) as Record<string, Obj>).find(([t]) =>
          t.endsWith('.Secret'),
        )?.[1];
        return [p.nodeId, p.namespace, sds?.status ?? 'NOT SENT', sds?.acked ?? '-', sds?.current ?? '-'];
      }),
  );
  out += section(
    'Revisions (last 5)',
    ['REVISION', 'ACTION', 'ACTOR', 'SOURCE', 'SERIAL', 'RECORDED'],
    d.history
      .slice(-5)
      .reverse()
      .map((r) => [
        String(r.revision),
        r.action,
        r.actor,
        r.source,
        r.leafSerial ?? '-',
        age(r.recordedAt, d.now),
      ]),
  );
  return out;
}

export interface GatewayDescription {
  gateway: Obj;
  virtualServices: Obj[];
  secrets: Obj[];
  status?: Obj;
}

/** The compiled names a server becomes: istiod's listener and route configuration names. */
function compiledNames(gw: Obj, server: Obj): { listener: string; route: string } {
  const port = Number(server.port?.number);
  const protocol = String(server.port?.protocol ?? '').toUpperCase();
  const tlsMode = String(server.tls?.mode ?? 'SIMPLE').toUpperCase();
  const terminates =
    protocol === 'HTTPS' ||
    (protocol === 'TLS' && tlsMode !== 'PASSTHROUGH' && tlsMode !== 'AUTO_PASSTHROUGH');
  const plain = protocol === 'HTTP' || protocol === 'HTTP2';
  const route = plain
    ? routeConfigName({ kind: 'http', port })
    : terminates
      ? routeConfigName({
          kind: 'https',
          port,
          server: {
            portName: String(server.port?.name ?? ''),
            gateway: String(gw.metadata?.name ?? ''),
            namespace: String(gw.metadata?.namespace ?? ''),
          },
        })
      : '(TCP proxy: no routes)';
  return { listener: listenerName(port), route };
}

/** A VirtualService's `gateways` entry names this Gateway (`name`, `ns/name`, or `./name`). */
function binds(vs: Obj, gw: Obj): boolean {
  const vsNs = vs.metadata?.namespace;
  return ((vs.spec?.gateways ?? []) as string[]).some((ref) => {
    const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [vsNs, ref];
    return name === gw.metadata?.name && (ns === '.' ? vsNs : ns) === gw.metadata?.namespace;
  });
}

export function describeGateway(d: GatewayDescription): string {
  const gw = d.gateway;
  const ns = gw.metadata?.namespace;
  const secretNames = new Set(
    d.secrets.filter((s) => s.metadata?.namespace === ns).map((s) => s.metadata?.name),
  );
  const selector = Object.entries((gw.spec?.selector ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  let out = fields([
    ['Name', gw.metadata?.name],
    ['Namespace', ns],
    ['Selector', selector || '<none>'],
  ]);
  const servers: Obj[] = gw.spec?.servers ?? [];
  out += section(
    'Servers',
    ['PORT', 'NAME', 'PROTOCOL', 'HOSTS', 'TLS', 'CREDENTIAL', 'LISTENER', 'ROUTE'],
    servers.map((server) => {
      const cred = server.tls?.credentialName;
      const names = compiledNames(gw, server);
      return [
        String(server.port?.number ?? '?'),
        server.port?.name ?? '',
        server.port?.protocol ?? '',
        (server.hosts ?? []).join(','),
        server.tls?.mode ?? (server.tls?.httpsRedirect ? 'httpsRedirect' : '-'),
        cred ? `${cred}${secretNames.has(cred) ? '' : ' (not found)'}` : '-',
        names.listener,
        names.route,
      ];
    }),
  );
  out += section(
    'Virtual Services',
    ['NAMESPACE/NAME', 'HOSTS'],
    d.virtualServices
      .filter((vs) => binds(vs, gw))
      .map((vs) => [`${vs.metadata?.namespace}/${vs.metadata?.name}`, (vs.spec?.hosts ?? []).join(',')]),
  );
  out += conditions(d.status);
  return out;
}

export function describeVirtualService(vs: Obj, gateways: Obj[], status?: Obj): string {
  let out = fields([
    ['Name', vs.metadata?.name],
    ['Namespace', vs.metadata?.namespace],
    ['Hosts', (vs.spec?.hosts ?? []).join(', ')],
    ['Gateways', (vs.spec?.gateways ?? []).join(', ') || '<none>'],
  ]);
  const bound = gateways
    .filter((gw) => binds(vs, gw))
    .map((gw) => `${gw.metadata?.namespace}/${gw.metadata?.name}`);
  out += fields([['Bound To', bound.join(', ') || '<none> (no Gateway matches)']]);
  out += section(
    'HTTP Routes',
    ['#', 'MATCH', 'DESTINATIONS'],
    ((vs.spec?.http ?? []) as Obj[]).map((h, i) => [
      String(i),
      ((h.match ?? []) as Obj[])
        .map((m) =>
          Object.entries(m.uri ?? {})
            .map(([k, v]) => `uri ${k} ${String(v)}`)
            .join(' '),
        )
        .filter(Boolean)
        .join(' | ') || '*',
      ((h.route ?? []) as Obj[])
        .map(
          (r) =>
            `${r.destination?.host}:${r.destination?.port?.number ?? ''}${r.weight ? ` (${r.weight}%)` : ''}`,
        )
        .join(', ') || (h.redirect ? 'redirect' : '-'),
    ]),
  );
  out += conditions(status);
  return out;
}

export function describeCertificate(c: Obj, now: Date): string {
  const st = (c.status ?? {}) as Obj;
  return fields([
    ['Name', c.metadata?.name],
    ['Namespace', c.metadata?.namespace],
    ['Issuer', c.spec?.issuerRef?.name ?? c.spec?.issuer],
    ['Secret', c.spec?.secretName],
    ['DNS Names', (c.spec?.dnsNames ?? []).join(', ') || undefined],
    ['Ready', st.ready === undefined ? 'Unknown' : String(st.ready)],
    ['Serial', st.serial],
    ['Not After', expiry(st.notAfter, now)],
    ['Renewal Time', st.renewalTime],
    ['Last Issued', st.lastIssuedAt],
    ['Last Failure', st.lastFailure],
    ['Next Attempt', st.nextAttemptAt],
  ]);
}

export function describeProxy(p: Obj): string {
  let out = fields([
    ['Name', p.nodeId],
    ['Namespace', p.namespace],
    ['Group', p.groupId],
    ['Replica', p.replica],
  ]);
  out += section(
    'Resource Types',
    ['TYPE', 'STATUS', 'ACKED', 'CURRENT'],
    Object.entries((p.types ?? {}) as Record<string, Obj>).map(([t, v]) => [
      t.split('.').pop() ?? t,
      v.status,
      v.acked ?? '-',
      v.current ?? '-',
    ]),
  );
  return out;
}

function conditions(status: Obj | undefined): string {
  const list: Obj[] = status?.conditions ?? [];
  const accepted = status ? (status.accepted ? 'True' : 'False') : 'Unknown';
  return (
    fields([['Accepted', accepted]]) +
    section(
      'Conditions',
      ['SEVERITY', 'CODE', 'FIELD', 'MESSAGE'],
      list.map((c) => [c.severity, c.code, c.field, c.message]),
    )
  );
}
