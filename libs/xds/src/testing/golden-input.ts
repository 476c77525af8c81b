import { parseAllDocuments } from 'yaml';
import { parseRoutingResource, type FieldError, type RoutingResource } from '#keyway/istio';
import type { CompileInputs } from '../route-compiler.js';

/**
 * A golden case: Istio manifests plus two keyway-only documents, `kind: ProxyGroup` (namespace,
 * labels) and `kind: KnownCredentials` (names), as multi-document YAML.
 */
export function readGoldenInput(text: string): { inputs: CompileInputs; rejected: FieldError[] } {
  const inputs: CompileInputs = {
    gateways: [],
    virtualServices: [],
    serviceEntries: [],
    services: [],
    endpointSlices: [],
    group: { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
  };
  const rejected: FieldError[] = [];
  const lists = {
    Gateway: inputs.gateways,
    VirtualService: inputs.virtualServices,
    ServiceEntry: inputs.serviceEntries,
    Service: inputs.services,
    EndpointSlice: inputs.endpointSlices,
  } as Record<RoutingResource['kind'], RoutingResource[]>;
  for (const doc of parseAllDocuments(text)) {
    const value = doc.toJS() as Record<string, unknown> | null;
    if (!value) continue;
    if (value.kind === 'ProxyGroup') {
      inputs.group = {
        namespace: String(value.namespace),
        labels: (value.labels ?? {}) as Record<string, string>,
      };
      continue;
    }
    if (value.kind === 'KnownCredentials') {
      inputs.knownCredentials = new Set((value.names ?? []) as string[]);
      continue;
    }
    const parsed = parseRoutingResource(value);
    if (parsed.ok) lists[parsed.value.kind].push(parsed.value);
    else rejected.push(...parsed.errors);
  }
  return { inputs, rejected };
}
