/** Object identifiers this library writes or names when it reads. */
export const Oid = {
  // Public key algorithms and curves.
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  // Signature algorithms.
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  mgf1: '1.2.840.113549.1.1.8',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // Certificate and CRL extensions.
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // Extended key usages.
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
  // PKCS#9 attributes (CSR).
  emailAddress: '1.2.840.113549.1.9.1',
  extensionRequest: '1.2.840.113549.1.9.14',
} as const;

/** X.520 attribute types with their RFC 4514 short names, in the order names are written when built from fields. */
export const NAME_ATTRIBUTES: ReadonlyArray<{ short: string; oid: string }> = [
  { short: 'C', oid: '2.5.4.6' },
  { short: 'ST', oid: '2.5.4.8' },
  { short: 'L', oid: '2.5.4.7' },
  { short: 'street', oid: '2.5.4.9' },
  { short: 'postalCode', oid: '2.5.4.17' },
  { short: 'O', oid: '2.5.4.10' },
  { short: 'OU', oid: '2.5.4.11' },
  { short: 'title', oid: '2.5.4.12' },
  { short: 'SN', oid: '2.5.4.4' },
  { short: 'GN', oid: '2.5.4.42' },
  { short: 'CN', oid: '2.5.4.3' },
  { short: 'serialNumber', oid: '2.5.4.5' },
  { short: 'DC', oid: '0.9.2342.19200300.100.1.25' },
  { short: 'UID', oid: '0.9.2342.19200300.100.1.1' },
  { short: 'emailAddress', oid: Oid.emailAddress },
];

export const EXT_KEY_USAGE_NAMES: Readonly<Record<string, string>> = {
  [Oid.serverAuth]: 'serverAuth',
  [Oid.clientAuth]: 'clientAuth',
  [Oid.codeSigning]: 'codeSigning',
  [Oid.emailProtection]: 'emailProtection',
  [Oid.timeStamping]: 'timeStamping',
  [Oid.ocspSigning]: 'OCSPSigning',
  [Oid.anyExtendedKeyUsage]: 'anyExtendedKeyUsage',
};

/** KeyUsage bit names by bit number (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];
