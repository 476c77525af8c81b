export * from './errors.js';
export * from './der/index.js';
export * from './pem.js';
export * from './oids.js';
export { formatIpAddress, parseIpAddress } from './ip-address.js';
export {
  encodeName,
  formatName,
  namesMatch,
  parseName,
  type NameAttribute,
  type NameFields,
  type NameInput,
  type ParsedName,
  type ParsedNameAttribute,
} from './name.js';
export { isDnsName, type SansInput, type SubjectAltNames } from './general-names.js';
export { type Extension } from './extensions.js';
export {
  describePublicKey,
  describeSpki,
  spkiOf,
  type PublicKeyDescription,
  type SpkiParts,
} from './public-key.js';
export {
  KEY_TYPES,
  generateKeyPair,
  generateKeyPairAsync,
  loadPrivateKey,
  privateKeyMatchesSpki,
  publicKeyOf,
  type KeyPair,
  type KeyType,
} from './keys.js';
export { signatureAlgorithmName } from './algorithms.js';
export { normalizeSerialHex } from './serial.js';
export { Issuer, keyIdentifier, type IssuerInput } from './issuer.js';
export { CERTIFICATE_PROFILES, type CertificateProfile } from './profiles.js';
export {
  issueCertificate,
  validateIssueRequest,
  type IssueRequest,
  type IssueResult,
} from './certificate.js';
export {
  privateKeyDerMatchesSpki,
  privateKeyFormatOfPemLabel,
  publicPartMatchesSpki,
  publicPartOfPrivateKeyDer,
  type PrivateKeyDerFormat,
} from './private-key-der.js';
export { certificateSpkiDer, parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
export {
  publicKeyFrom,
  issuedBy,
  verifyChain,
  verifySignedBy,
  type ChainProblem,
  type ChainProblemCode,
  type PublicKeyInput,
} from './chain.js';
export { createCsr, parseCsr, validateCsrRequest, type CsrRequest, type ParsedCsr } from './csr.js';
export {
  REVOCATION_REASONS,
  createCrl,
  parseCrl,
  validateCrlRequest,
  verifyCrlSignedBy,
  type CrlRequest,
  type ParsedCrl,
  type ParsedRevokedEntry,
  type RevocationReason,
  type RevokedEntry,
} from './crl.js';
