import type { Gateway, ReferenceGrant } from '#keyway/istio';
import type { HostOwnership } from './host-ownership.js';
import type { OwnershipCondition } from './claimable.js';

/**
 * Which Gateway servers may use their credential, for the proxies of one namespace (where credentials
 * are looked up, as in Istio). A team's Gateway may use a credential of another namespace only when a
 * ReferenceGrant in that namespace lets Gateways of the team's namespace use it (Gateway API's rule for
 * cross-namespace references); a grant naming `web` covers `web-cacert` too. Gateways in the proxies'
 * own namespace, and the platform's (a namespace of no team), are not restricted. A refused server is
 * taken out and reported (`credential-not-granted`); the rest of the Gateway is untouched. Pure;
 * results are cached per Gateway, namespace, grants and ownership.
 */
export function grantedGateways(
  gateways: readonly Gateway[],
  grants: readonly ReferenceGrant[],
  proxyNamespace: string,
  ownership: HostOwnership,
): { gateways: Gateway[]; conditions: OwnershipCondition[] } {
  const out: Gateway[] = [];
  const conditions: OwnershipCondition[] = [];
  for (const gw of gateways) {
    const r = cached(gw, { grants, proxyNamespace, ownership }, () =>
      filterGateway(gw, grants, proxyNamespace, ownership),
    );
    conditions.push(...r.conditions);
    if (r.value) out.push(r.value);
  }
  return { gateways: out, conditions };
}

/** Does a grant in `namespace` let Gateways of `from` use Secret `name`? */
export function isGranted(
  grants: readonly ReferenceGrant[],
  namespace: string,
  from: string,
  name: string,
): boolean {
  const base = name.endsWith('-cacert') ? name.slice(0, -'-cacert'.length) : name;
  return grants.some(
    (g) =>
      g.meta.namespace === namespace &&
      g.fromNamespaces.includes(from) &&
      (g.toNames === undefined || g.toNames.includes(name) || g.toNames.includes(base)),
  );
}

function filterGateway(
  gw: Gateway,
  grants: readonly ReferenceGrant[],
  proxyNamespace: string,
  ownership: HostOwnership,
): { value: Gateway | undefined; conditions: OwnershipCondition[] } {
  const ns = gw.meta.namespace;
  if (ns === proxyNamespace || ownership.teamOf(ns) === undefined) return { value: gw, conditions: [] };
  const conditions: OwnershipCondition[] = [];
  const servers = gw.servers.filter((s) => {
    const name = s.tls?.credentialName;
    if (!name || isGranted(grants, proxyNamespace, ns, name)) return true;
    conditions.push({
      resource: gw.id,
      condition: {
        field: `spec.servers[${s.index}].tls.credentialName`,
        code: 'credential-not-granted',
        message: `credential "${name}" is in namespace ${proxyNamespace}: a Gateway of namespace ${ns} (team ${ownership.teamOf(ns)}) may use it only with a ReferenceGrant in ${proxyNamespace} from Gateways of ${ns} to Secret ${name}`,
        severity: 'error',
      },
    });
    return false;
  });
  if (servers.length === gw.servers.length) return { value: gw, conditions };
  return { value: servers.length ? { ...gw, servers } : undefined, conditions };
}

type Key = { grants: readonly ReferenceGrant[]; proxyNamespace: string; ownership: HostOwnership };
type Filtered = ReturnType<typeof filterGateway>;
/** Per Gateway, per proxies' namespace: groups of several namespaces do not evict each other's results. */
const memo = new WeakMap<Gateway, Map<string, { key: Key; result: Filtered }>>();

function cached(gw: Gateway, key: Key, compute: () => Filtered): Filtered {
  let byNamespace = memo.get(gw);
  if (!byNamespace) memo.set(gw, (byNamespace = new Map()));
  const hit = byNamespace.get(key.proxyNamespace);
  if (hit && hit.key.grants === key.grants && hit.key.ownership === key.ownership) return hit.result;
  const result = compute();
  byNamespace.set(key.proxyNamespace, { key, result });
  return result;
}
