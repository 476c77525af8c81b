import { z } from 'zod';
import { isoTime, k8sName, k8sNamespace, schemaVersion, sealedEnvelope, sha256Hex } from './common.js';

/**
 * Value of `keyway-credentials` at `<namespace>.<sdsName>`. Consumers that need no key read the clear
 * fields; `material` opens (associated data `<namespace>/<sdsName>#<revision>`) to `CredentialMaterial`.
 */
export const credentialRecord = z.object({
  schemaVersion,
  namespace: k8sNamespace,
  /** The SDS name without `kubernetes://`: `httpbin-credential` or `httpbin-credential-cacert`. */
  name: k8sName,
  kind: z.enum(['tls-certificate', 'validation-context']),
  revision: z.number().int().min(1),
  contentHash: sha256Hex,
  state: z.enum(['active', 'deleted']),
  /** Set when deleted: proxies keep serving the last version until then (grace period). */
  serveUntil: isoTime.optional(),
  leafFingerprint: sha256Hex.optional(),
  caFingerprints: z.array(sha256Hex),
  notAfter: isoTime.optional(),
  material: sealedEnvelope,
});
export type CredentialRecord = z.infer<typeof credentialRecord>;

/** What `material` holds once opened: PEM strings. */
export const credentialMaterial = z.object({
  certificateChain: z.string().optional(),
  privateKey: z.string().optional(),
  trustedCa: z.string().optional(),
  crl: z.string().optional(),
});
export type CredentialMaterial = z.infer<typeof credentialMaterial>;

/**
 * The associated data a credential's material is sealed with: namespace, name and revision, so an
 * envelope opens only in the record it was made for (an older envelope replayed under a newer
 * revision, or into another credential, does not open).
 */
export function credentialAssociatedData(namespace: string, sdsName: string, revision: number): string {
  return `${namespace}/${sdsName}#${revision}`;
}
