/** Key algorithms a team may be allowed; the names match `keyType` in #keyway/contracts. */
export const KEY_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = 'ecdsa-p256';

/** What a certificate is for: TLS server auth, client auth, or both. */
export const USAGES = ['server', 'client'] as const;
export type Usage = (typeof USAGES)[number];
/** A request's usage: `server-client` asks for both extended key usages. */
export type CertificateUsage = Usage | 'server-client';
export const DEFAULT_USAGE: CertificateUsage = 'server';

export function isKeyType(value: unknown): value is KeyType {
  return typeof value === 'string' && (KEY_TYPES as readonly string[]).includes(value);
}

export function isCertificateUsage(value: unknown): value is CertificateUsage {
  return value === 'server' || value === 'client' || value === 'server-client';
}

/** The individual usages a certificate usage needs the policy to allow. */
export function usagesOf(usage: CertificateUsage): Usage[] {
  return usage === 'server-client' ? ['server', 'client'] : [usage];
}
