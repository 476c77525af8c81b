import { z } from 'zod';

export const SCHEMA_VERSION = 1 as const;
export const schemaVersion = z.literal(SCHEMA_VERSION);

/** Kubernetes object names: DNS-1123 subdomain. */
export const k8sName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase DNS-1123 name');

/** Kubernetes namespaces: DNS-1123 label. */
export const k8sNamespace = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS-1123 label');

export const labels = z.record(z.string(), z.string());
export const isoTime = z.iso.datetime({ offset: true });
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');

/** Who asked: an API user and team, Kubernetes, a file, a service, or an ACME account (`acme/<issuer>/acct/<id>`) of a team. */
export const actor = z.object({
  kind: z.enum(['user', 'kubernetes', 'file', 'service', 'acme']),
  name: z.string().min(1),
  team: z.string().optional(),
});
export type Actor = z.infer<typeof actor>;

/** How the audit records spell an actor: `user:alice (team payments)`, `service:ca`. */
export function actorText(actor: Actor): string {
  return `${actor.kind}:${actor.name}${actor.team ? ` (team ${actor.team})` : ''}`;
}

export const sealedEnvelope = z.object({
  alg: z.literal('A256GCM'),
  kid: z.string().min(1),
  iv: z.string().min(1),
  tag: z.string().min(1),
  ciphertext: z.string().min(1),
});

export const page = z.object({
  limit: z.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from the previous page's `next`. */
  cursor: z.string().optional(),
});

export const namespacedRef = z.object({ namespace: k8sNamespace, name: k8sName });
