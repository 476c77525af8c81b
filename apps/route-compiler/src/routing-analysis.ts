import type { AnalyzeRoutingResult } from '#keyway/contracts';
import { gatewaySelects } from '#keyway/ir';
import type { Gateway } from '#keyway/istio';
import {
  conditionFindings,
  referenceFindings,
  schemaFindings,
  sortFindings,
  type Finding,
} from '#keyway/analysis';
import type { HostOwnership } from '#keyway/tenancy';
import { RouteCompiler } from '#keyway/xds';
import { mergeStatuses, withOwnershipConditions } from './group-compilers.js';
import type { KnownGroup } from './proxy-groups.js';
import type { ResourceStore } from './resource-store.js';
import { tenantInputs } from './tenant-inputs.js';

export interface RoutingAnalysisInputs {
  /** What the compiler holds now; left untouched (the analysis works on a copy). */
  store: ResourceStore;
  manifests: readonly unknown[];
  groups: readonly KnownGroup[];
  ownership: HostOwnership;
  knownCredentials: (namespace: string) => ReadonlySet<string>;
  /** Secrets of the same request that validated: they count as existing, and are checked for use. */
  credentials: ReadonlyArray<{ namespace: string; name: string }>;
}

/**
 * A dry run of applying `manifests`: the same parse, tenancy filter and compile as a real apply, on a
 * copy of the store, with fresh compilers (the live ones keep their memos), publishing nothing.
 * Findings are reported only for the analyzed resources.
 */
export function analyzeRouting(inputs: RoutingAnalysisInputs): AnalyzeRoutingResult {
  const store = inputs.store.clone();
  const findings: Finding[] = [];
  const objects: AnalyzeRoutingResult['objects'] = [];
  const manifestOf = new Map<string, unknown>();
  for (const manifest of inputs.manifests) {
    const exists = (id: string) => inputs.store.get(id) !== undefined;
    const parsed = store.apply('api', manifest);
    if (!parsed.ok) {
      const resource = parsed.errors[0]?.resource ?? describe(manifest);
      findings.push(...schemaFindings(resource, parsed.errors));
      objects.push({ resource, exists: exists(resource) });
      continue;
    }
    manifestOf.set(parsed.resource.id, manifest);
    objects.push({ resource: parsed.resource.id, exists: exists(parsed.resource.id) });
  }
  const extra = new Map<string, Set<string>>();
  for (const c of inputs.credentials) {
    if (!extra.has(c.namespace)) extra.set(c.namespace, new Set());
    extra.get(c.namespace)!.add(c.name);
  }
  const known = (namespace: string): ReadonlySet<string> => {
    const more = extra.get(namespace);
    const have = inputs.knownCredentials(namespace);
    return more ? new Set([...have, ...more]) : have;
  };
  const all = store.inputs();
  const tenant = tenantInputs(all, inputs.groups, inputs.ownership);
  const perGroup = inputs.groups.map(
    (group) =>
      new RouteCompiler().compile({
        ...tenant.inputs,
        gateways: tenant.gatewaysFor(group),
        group: { namespace: group.namespace, labels: group.labels },
        knownCredentials: known(group.namespace),
      }).statuses,
  );
  const statuses = withOwnershipConditions(mergeStatuses(perGroup), tenant.conditions);
  for (const s of statuses) {
    const manifest = manifestOf.get(s.resource);
    if (manifest !== undefined) findings.push(...conditionFindings(s, manifest));
  }
  findings.push(
    ...referenceFindings({
      gateways: all.gateways,
      virtualServices: all.virtualServices,
      groups: inputs.groups,
      analyzed: new Set(manifestOf.keys()),
      credentials: inputs.credentials,
    }),
  );
  const analyzedGateways = all.gateways.filter((g) => manifestOf.has(g.id));
  return {
    objects,
    findings: sortFindings(findings),
    credentialUses: credentialUses(analyzedGateways, inputs.groups, (group) => tenant.gatewaysFor(group)),
  };
}

/**
 * The credentials the analyzed Gateways' TLS servers would serve, each looked up where the compiler
 * looks it up: the namespace of the proxies that get the server (the Gateway's own namespace when no
 * connected proxy does).
 */
function credentialUses(
  gateways: readonly Gateway[],
  groups: readonly KnownGroup[],
  gatewaysFor: (group: KnownGroup) => readonly Gateway[],
): NonNullable<AnalyzeRoutingResult['credentialUses']> {
  const out: NonNullable<AnalyzeRoutingResult['credentialUses']> = [];
  for (const gw of gateways) {
    const servedTo = groups.filter(
      (g) => gatewaySelects(gw, g) && gatewaysFor(g).some((x) => x.id === gw.id),
    );
    const namespaces = new Set(servedTo.length > 0 ? servedTo.map((g) => g.namespace) : [gw.meta.namespace]);
    for (const server of gw.servers) {
      const tls = server.tls;
      if (!tls?.credentialName || !['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(tls.mode)) continue;
      for (const namespace of namespaces)
        out.push({
          gateway: gw.id,
          server: server.index,
          namespace,
          credentialName: tls.credentialName,
          hosts: server.hosts.map((h) => h.host),
        });
    }
  }
  return out;
}

function describe(manifest: unknown): string {
  const m = (manifest ?? {}) as { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } };
  return `${String(m.kind ?? '?')}/${String(m.metadata?.namespace ?? 'default')}/${String(m.metadata?.name ?? '?')}`;
}
