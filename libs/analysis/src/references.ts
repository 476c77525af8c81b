import { gatewayKey, gatewaySelects, type ProxyGroup } from '#keyway/ir';
import type { Gateway, VirtualService } from '#keyway/istio';
import { Findings } from './codes.js';
import { finding, type Finding } from './finding.js';

export interface ReferenceInputs {
  /** Every Gateway and VirtualService as they would be with the analyzed ones applied. */
  gateways: readonly Gateway[];
  virtualServices: readonly VirtualService[];
  /** The proxy groups (namespace + labels) connected now. */
  groups: readonly ProxyGroup[];
  /** Ids (`Kind/namespace/name`) of the resources analyzed: only they get findings. */
  analyzed: ReadonlySet<string>;
  /** The analyzed Secrets. */
  credentials: ReadonlyArray<{ namespace: string; name: string }>;
}

/**
 * Findings across objects that compiling one proxy group cannot see: a VirtualService bound to a
 * Gateway that does not exist, a Gateway whose selector matches no connected proxy (both IST0101, as
 * Istio's analyzers report them), a Secret no Gateway uses.
 */
export function referenceFindings(inputs: ReferenceInputs): Finding[] {
  const out: Finding[] = [];
  const gatewayIds = new Set(inputs.gateways.map((g) => g.id));
  for (const vs of inputs.virtualServices) {
    if (!inputs.analyzed.has(vs.id)) continue;
    vs.gateways.forEach((ref, i) => {
      const key = gatewayKey(ref, vs.meta.namespace);
      if (key && !gatewayIds.has(`Gateway/${key}`))
        out.push(
          finding(
            Findings.referencedResourceNotFound,
            vs.id,
            `Referenced gateway not found: ${JSON.stringify(ref)}`,
            `spec.gateways[${i}]`,
          ),
        );
    });
  }
  for (const gw of inputs.gateways) {
    if (!inputs.analyzed.has(gw.id)) continue;
    if (!inputs.groups.some((g) => gatewaySelects(gw, g))) {
      const selector = Object.entries(gw.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      out.push(
        finding(
          Findings.referencedResourceNotFound,
          gw.id,
          `Referenced selector not found: ${JSON.stringify(selector)} (no connected proxy has these labels)`,
          'spec.selector',
        ),
      );
    }
  }
  for (const c of inputs.credentials) {
    if (!usedBySomeGateway(c, inputs.gateways, inputs.groups))
      out.push(
        finding(
          Findings.unreferencedCredential,
          `Secret/${c.namespace}/${c.name}`,
          `no Gateway uses credential ${JSON.stringify(c.name)} for proxies in namespace ${c.namespace}: it is stored but not served`,
        ),
      );
  }
  return out;
}

/**
 * A credential is looked up in the namespace of the proxies a Gateway selects (and in the Gateway's
 * own namespace); `<name>-cacert` is the CA half of credential `<name>`.
 */
function usedBySomeGateway(
  c: { namespace: string; name: string },
  gateways: readonly Gateway[],
  groups: readonly ProxyGroup[],
): boolean {
  const base = c.name.endsWith('-cacert') ? c.name.slice(0, -'-cacert'.length) : undefined;
  return gateways.some(
    (gw) =>
      gw.servers.some((s) => s.tls?.credentialName === c.name || (base && s.tls?.credentialName === base)) &&
      (gw.meta.namespace === c.namespace ||
        groups.some((g) => g.namespace === c.namespace && gatewaySelects(gw, g))),
  );
}
