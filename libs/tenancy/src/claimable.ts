import type { Gateway, VirtualService } from '#keyway/istio';
import type { HostOwnership } from './host-ownership.js';

export interface OwnershipCondition {
  resource: string;
  condition: { field: string; code: string; message: string; severity: 'error' };
}

export interface Claimable {
  gateways: readonly Gateway[];
  virtualServices: readonly VirtualService[];
  /** Each host refused, on the resource and field that named it. */
  conditions: OwnershipCondition[];
}

/**
 * The Gateways and VirtualServices as the compiler may see them: every host a namespace may not
 * claim is taken out (a server or VirtualService left with no host goes entirely) and reported,
 * naming the rule, the host and its owner; everything else is passed through untouched (the same
 * objects, so the compiler's memos still hold). Copies are cached per object and ownership.
 */
export function claimableInputs(
  inputs: { gateways: readonly Gateway[]; virtualServices: readonly VirtualService[] },
  ownership: HostOwnership,
): Claimable {
  const conditions: OwnershipCondition[] = [];
  const gateways: Gateway[] = [];
  for (const gw of inputs.gateways) {
    const r = cached(gw, ownership, () => filterGateway(gw, ownership));
    conditions.push(...r.conditions);
    if (r.value) gateways.push(r.value);
  }
  const virtualServices: VirtualService[] = [];
  for (const vs of inputs.virtualServices) {
    const r = cached(vs, ownership, () => filterVirtualService(vs, ownership));
    conditions.push(...r.conditions);
    if (r.value) virtualServices.push(r.value);
  }
  return { gateways, virtualServices, conditions };
}

interface Filtered<T> {
  value: T | undefined;
  conditions: OwnershipCondition[];
}

const memo = new WeakMap<object, { ownership: HostOwnership; result: Filtered<unknown> }>();

function cached<T extends object>(obj: T, ownership: HostOwnership, compute: () => Filtered<T>): Filtered<T> {
  const hit = memo.get(obj);
  if (hit && hit.ownership === ownership) return hit.result as Filtered<T>;
  const result = compute();
  memo.set(obj, { ownership, result });
  return result;
}

function refusal(resource: string, field: string, message: string, rule: string): OwnershipCondition {
  return { resource, condition: { field, code: rule, message, severity: 'error' } };
}

function filterGateway(gw: Gateway, ownership: HostOwnership): Filtered<Gateway> {
  const conditions: OwnershipCondition[] = [];
  let changed = false;
  const servers = gw.servers.flatMap((server) => {
    const hosts = server.hosts.filter((h, j) => {
      const v = ownership.check(gw.meta.namespace, h.host);
      if (v.ok) return true;
      conditions.push(refusal(gw.id, `spec.servers[${server.index}].hosts[${j}]`, v.message, v.rule));
      return false;
    });
    if (hosts.length === server.hosts.length) return [server];
    changed = true;
    return hosts.length ? [{ ...server, hosts }] : [];
  });
  if (!changed) return { value: gw, conditions };
  return { value: servers.length ? { ...gw, servers } : undefined, conditions };
}

function filterVirtualService(vs: VirtualService, ownership: HostOwnership): Filtered<VirtualService> {
  const conditions: OwnershipCondition[] = [];
  const hosts = vs.hosts.filter((h, j) => {
    const v = ownership.check(vs.meta.namespace, h);
    if (v.ok) return true;
    conditions.push(refusal(vs.id, `spec.hosts[${j}]`, v.message, v.rule));
    return false;
  });
  if (hosts.length === vs.hosts.length) return { value: vs, conditions };
  return { value: hosts.length ? { ...vs, hosts } : undefined, conditions };
}
