/**
 * Every finding `keyway analyze` can report. Where Istio's analyzers have the same finding, the code,
 * name and wording are Istio's (istioctl analyze users already know them); keyway-only findings have
 * KW codes. Codes are stable: scripts and CI pipelines match on them.
 */
export type Severity = 'Error' | 'Warning' | 'Info';

export interface FindingKind {
  code: string;
  name: string;
  severity: Severity;
}

const kind = (code: string, name: string, severity: Severity): FindingKind => ({ code, name, severity });

export const Findings = {
  // Istio's codes (istio.io/latest/docs/reference/config/analysis).
  referencedResourceNotFound: kind('IST0101', 'ReferencedResourceNotFound', 'Error'),
  schemaValidationError: kind('IST0106', 'SchemaValidationError', 'Error'),
  virtualServiceHostNotFoundInGateway: kind('IST0132', 'VirtualServiceHostNotFoundInGateway', 'Warning'),
  conflictingGateways: kind('IST0145', 'ConflictingGateways', 'Error'),
  // keyway's own: credentials (KW01xx).
  credentialExpiringSoon: kind('KW0101', 'CredentialExpiringSoon', 'Warning'),
  credentialNotValidNow: kind('KW0102', 'CredentialNotValidNow', 'Error'),
  keyCertificateMismatch: kind('KW0103', 'KeyCertificateMismatch', 'Error'),
  certificateChainInvalid: kind('KW0104', 'CertificateChainInvalid', 'Error'),
  invalidCredential: kind('KW0105', 'InvalidCredential', 'Error'),
  shadowedCredential: kind('KW0106', 'ShadowedCredential', 'Warning'),
  unreferencedCredential: kind('KW0107', 'UnreferencedCredential', 'Info'),
  certificateDoesNotCoverHost: kind('KW0108', 'CertificateDoesNotCoverHost', 'Warning'),
  // keyway's own: routing (KW02xx).
  regexNotRe2: kind('KW0201', 'RegexNotRE2', 'Error'),
  portProtocolMismatch: kind('KW0202', 'PortProtocolMismatch', 'Error'),
  unsupportedField: kind('KW0203', 'UnsupportedField', 'Warning'),
  ignoredCipherSuite: kind('KW0204', 'IgnoredCipherSuite', 'Warning'),
  hostNotOwned: kind('KW0205', 'HostNotOwnedByTeam', 'Error'),
  unmanagedKind: kind('KW0206', 'UnmanagedKind', 'Error'),
  credentialNotGranted: kind('KW0207', 'CredentialNotGranted', 'Error'),
  notServed: kind('KW0299', 'NotServed', 'Error'),
} as const;

export const ALL_FINDING_KINDS: readonly FindingKind[] = Object.values(Findings);
