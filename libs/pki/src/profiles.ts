import { basicConstraintsExtension, extKeyUsageExtension, keyUsageExtension } from './extensions.js';
import { Oid, type KeyUsage } from './oids.js';

export const CERTIFICATE_PROFILES = [
  'root-ca',
  'intermediate-ca',
  'server',
  'client',
  'server-client',
] as const;
export type CertificateProfile = (typeof CERTIFICATE_PROFILES)[number];

export function isCaProfile(profile: CertificateProfile): boolean {
  return profile === 'root-ca' || profile === 'intermediate-ca';
}

const CA_USAGES: KeyUsage[] = ['digitalSignature', 'keyCertSign', 'cRLSign'];
const EKU: Record<string, string[]> = {
  server: [Oid.serverAuth],
  client: [Oid.clientAuth],
  'server-client': [Oid.serverAuth, Oid.clientAuth],
};

const cache = new Map<string, Buffer[]>();

/**
 * Encoded BasicConstraints, KeyUsage and ExtendedKeyUsage for a profile. Leaf certificates for RSA keys
 * also get keyEncipherment (TLS 1.2 RSA key exchange); EC leaves only sign. Memoized: these bytes are
 * the same for every certificate of a profile.
 */
export function profileExtensions(
  profile: CertificateProfile,
  rsaSubject: boolean,
  pathLen?: number,
): Buffer[] {
  const key = `${profile}|${rsaSubject}|${pathLen ?? ''}`;
  let exts = cache.get(key);
  if (!exts) {
    if (isCaProfile(profile)) {
      exts = [basicConstraintsExtension(true, pathLen), keyUsageExtension(CA_USAGES)];
    } else {
      const usages: KeyUsage[] = rsaSubject ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
      exts = [
        basicConstraintsExtension(false),
        keyUsageExtension(usages),
        extKeyUsageExtension(EKU[profile]),
      ];
    }
    if (cache.size < 256) cache.set(key, exts);
  }
  return exts;
}
