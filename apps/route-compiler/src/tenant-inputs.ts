import type { Gateway } from '#keyway/istio';
import {
  claimableInputs,
  grantedGateways,
  type HostOwnership,
  type OwnershipCondition,
} from '#keyway/tenancy';
import type { RoutingInputs } from './resource-store.js';

/**
 * What each proxy group may compile under the tenancy rules (#keyway/tenancy), in one place for the
 * real compile and the dry run: hosts a namespace may not claim are taken out, then, per group, the
 * servers whose credential is not granted in the group's namespace. Every refusal becomes a condition,
 * reported once (groups of one namespace refuse the same servers).
 */
export interface TenantInputs {
  inputs: RoutingInputs;
  gatewaysFor(group: { groupId: string }): readonly Gateway[];
  conditions: OwnershipCondition[];
}

export function tenantInputs(
  all: RoutingInputs,
  groups: ReadonlyArray<{ groupId: string; namespace: string }>,
  ownership: HostOwnership,
): TenantInputs {
  const claimable = claimableInputs(all, ownership);
  const granted = new Map(
    groups.map((g) => [
      g.groupId,
      grantedGateways(claimable.gateways, all.referenceGrants, g.namespace, ownership),
    ]),
  );
  const conditions = new Map<string, OwnershipCondition>();
  for (const c of [...claimable.conditions, ...[...granted.values()].flatMap((g) => g.conditions)])
    conditions.set(JSON.stringify(c), c);
  return {
    inputs: { ...all, gateways: claimable.gateways, virtualServices: claimable.virtualServices },
    gatewaysFor: (group) => granted.get(group.groupId)?.gateways ?? claimable.gateways,
    conditions: [...conditions.values()],
  };
}
