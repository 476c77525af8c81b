import type { Condition, GatewayObject, ResourceStatus, VirtualServiceObject } from './api-types.js';

export interface ServerView {
  index: number;
  port: string;
  hosts: string[];
  tlsMode: string;
  credential: string;
  /** The route-compiler's refusals of this server (its conditions under `spec.servers[i]`). */
  refused: Condition[];
  /** Per host: the VirtualServices bound to it through this Gateway. */
  boundServices: Record<string, string[]>;
  /** Route configurations compiled for this server, and the listeners that serve them. */
  routeNames: string[];
  listenerNames: string[];
}

export interface GatewayView {
  key: string;
  namespace: string;
  name: string;
  servers: ServerView[];
  /** Refusals not tied to one server. */
  refused: Condition[];
  accepted: boolean;
}

export interface VirtualServiceView {
  key: string;
  hosts: string[];
  gateways: string[];
  refused: Condition[];
}

/** What one proxy was compiled: each listener with the route configurations it names. */
export interface CompiledConfig {
  listeners: Array<{ name: string; routeNames: string[] }>;
  routeNames: string[];
}

/** Every `route_config_name` inside an Envoy listener (decoded JSON), in order, without repeats. */
export function routeNamesOf(listener: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 40 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'route_config_name' && typeof x === 'string' && !out.includes(x)) out.push(x);
      else walk(x, depth + 1);
    }
  };
  walk(listener, 0);
  return out;
}

/** `ns/name` -> [ns, name]; a bare name is in `namespace`. */
const ref = (value: string, namespace: string): string =>
  value.includes('/') ? value : `${namespace}/${value}`;

/** Istio's host match: equal, or a `*.` wildcard on either side covering the other. */
export function hostsMatch(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  const covers = (w: string, h: string) => w.startsWith('*.') && h.endsWith(w.slice(1));
  return covers(a, b) || covers(b, a);
}

const statusOf = (statuses: readonly ResourceStatus[], key: string) =>
  statuses.find((s) => s.resource === key);

const SERVER_FIELD = /^spec\.servers\[(\d+)\]/;

export function gatewayViews(
  gateways: readonly GatewayObject[],
  services: readonly VirtualServiceObject[],
  statuses: readonly ResourceStatus[],
  compiled: CompiledConfig,
): GatewayView[] {
  return gateways.map((g) => {
    const { namespace, name } = g.metadata;
    const key = `${namespace}/${name}`;
    const status = statusOf(statuses, `Gateway/${key}`);
    const conditions = status?.conditions ?? [];
    const bound = services.filter((vs) =>
      (vs.spec?.gateways ?? []).some((gw) => ref(gw, vs.metadata.namespace) === key),
    );
    const servers = (g.spec?.servers ?? []).map((s, index): ServerView => {
      const hosts = s.hosts ?? [];
      const portName = s.port?.name ?? '';
      // The route-compiler names a server's routes `<protocol>.<port>.<port name>.<gateway>.<namespace>`.
      const suffix = `.${portName}.${name}.${namespace}`;
      const routeNames = compiled.routeNames.filter((r) => portName !== '' && r.endsWith(suffix));
      return {
        index,
        port: [s.port?.number, s.port?.protocol, portName]
          .filter((x) => x !== undefined && x !== '')
          .join(' '),
        hosts,
        tlsMode: s.tls?.mode ?? (s.port?.protocol === 'HTTPS' ? 'SIMPLE' : '—'),
        credential: s.tls?.credentialName ?? '',
        refused: conditions.filter((c) => Number(SERVER_FIELD.exec(c.field ?? '')?.[1]) === index),
        boundServices: Object.fromEntries(
          hosts.map((h) => [
            h,
            bound
              .filter((vs) => (vs.spec?.hosts ?? []).some((vh) => hostsMatch(vh, h.replace(/^[^/]*\//, ''))))
              .map((vs) => `${vs.metadata.namespace}/${vs.metadata.name}`),
          ]),
        ),
        routeNames,
        listenerNames: compiled.listeners
          .filter((l) => l.routeNames.some((r) => routeNames.includes(r)))
          .map((l) => l.name),
      };
    });
    return {
      key,
      namespace,
      name,
      servers,
      refused: conditions.filter((c) => !SERVER_FIELD.test(c.field ?? '')),
      accepted: status ? status.accepted : true,
    };
  });
}

export function virtualServiceViews(
  services: readonly VirtualServiceObject[],
  statuses: readonly ResourceStatus[],
): VirtualServiceView[] {
  return services.map((vs) => {
    const key = `${vs.metadata.namespace}/${vs.metadata.name}`;
    return {
      key,
      hosts: vs.spec?.hosts ?? [],
      gateways: (vs.spec?.gateways ?? []).map((g) => ref(g, vs.metadata.namespace)),
      refused: statusOf(statuses, `VirtualService/${key}`)?.conditions ?? [],
    };
  });
}
