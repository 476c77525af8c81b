export {
  secretResource,
  secretError,
  formatSecretError,
  SecretResolutionError,
  type SecretErrorCode,
} from './errors.js';
export { decodeSecret, DecodedSecret, type DecodeResult, type SecretInput } from './secret.js';
export {
  GenericKeys,
  TlsKeys,
  CACERT_SUFFIX,
  extractKeyAndCert,
  extractRoot,
  foundKeysMessage,
  isCaCertName,
  credentialNameOfCaCert,
  type Extracted,
  type KeyCertFields,
  type RootFields,
} from './secret-keys.js';
export {
  DEFAULT_VALIDATION_OPTIONS,
  resolveOptions,
  type ValidationOptions,
  type ResolvedOptions,
} from './options.js';
export { normalizePem, readPemBlocks, type PemBlock } from './pem.js';
export { isServableKeyType } from './certificate-checks.js';
export { summarizeCertificate, keyTypeOf, type CertificateSummary } from './certificate-summary.js';
export { SecretCertificate } from './secret-certificate.js';
export { validateSecret, type SecretValidation, type CheckedKeyPair, type CheckedRoot } from './validate.js';
export {
  resolveCredentials,
  credentialFamily,
  assembleCredentials,
  findCredential,
  type ResolvedCredential,
  type Resolution,
  type SecretReport,
  type Lookup,
} from './resolve.js';
export {
  canonicalJson,
  contentHash,
  materialJson,
  sha256Hex,
  type CredentialKind,
  type CredentialMaterialPem,
} from './version.js';
export {
  auditEntry,
  chainRow,
  rowHash,
  verifyChain,
  ChainVerifier,
  type AuditAction,
  type AuditEntry,
  type AuditEntryInput,
  type ChainBreak,
  type ChainVerification,
  type ChainedAuditRow,
} from './audit.js';
export * from './checkpoint.js';
export * from './ca-record-chain.js';
