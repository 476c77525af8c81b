import type { IrCondition, IrStatus } from '#keyway/ir';
import { Findings } from './codes.js';
import { quoted, valueAt } from './field-value.js';
import { finding, type Finding } from './finding.js';

/**
 * The route compiler's conditions (and the tenancy filter's refusals) as findings. The condition's
 * code says which finding it is; the manifest gives the value the field held, for Istio's wording.
 */
export function conditionFindings(status: IrStatus, manifest: unknown): Finding[] {
  return status.conditions.map((c) => conditionFinding(status.resource, c, manifest));
}

const severityOf = (c: IrCondition) => (c.severity === 'error' ? 'Error' : 'Warning');

function conditionFinding(resource: string, c: IrCondition, manifest: unknown): Finding {
  const value = () => quoted(valueAt(manifest, c.field));
  switch (c.code) {
    case 'unknown-credential':
      return finding(
        Findings.referencedResourceNotFound,
        resource,
        `Referenced credentialName not found: ${value()}`,
        c.field,
      );
    case 'unknown-ca-credential':
      return finding(
        Findings.referencedResourceNotFound,
        resource,
        `Referenced CA certificate not found for credentialName ${value()}: ${c.message}`,
        c.field,
      );
    case 'unknown-destination':
      return finding(
        Findings.referencedResourceNotFound,
        resource,
        `Referenced host not found: ${value()} (${c.message})`,
        c.field,
      );
    case 'host-conflict':
      return finding(Findings.conflictingGateways, resource, `Conflict with gateways: ${c.message}`, c.field);
    case 'no-matching-host':
      return finding(
        Findings.virtualServiceHostNotFoundInGateway,
        resource,
        `one or more host(s) ${value()} defined in VirtualService ${nameOf(resource)} not found in its Gateways`,
        c.field,
        severityOf(c),
      );
    case 'invalid-regex':
      return finding(Findings.regexNotRe2, resource, c.message, c.field);
    case 'port-protocol-mismatch':
      return finding(Findings.portProtocolMismatch, resource, c.message, c.field);
    case 'unsupported':
      return finding(Findings.unsupportedField, resource, c.message, c.field, severityOf(c));
    case 'ignored-cipher-suite':
      return finding(Findings.ignoredCipherSuite, resource, c.message, c.field, severityOf(c));
    case 'credential-not-granted':
      return finding(Findings.credentialNotGranted, resource, c.message, c.field);
    case 'host-owned-by-another-team':
    case 'host-outside-team-domains':
      return finding(Findings.hostNotOwned, resource, `${c.message} (${c.code})`, c.field);
    default:
      return finding(Findings.notServed, resource, `${c.message} (${c.code})`, c.field, severityOf(c));
  }
}

/** `VirtualService/ns/name` -> `ns/name`. */
function nameOf(resource: string): string {
  return resource.split('/').slice(1).join('/');
}
