import type { Resolution, ResolvedCredential } from '#keyway/secrets';

/** What the bucket last got for a credential, per the audit log. */
export interface ServedState {
  namespace: string;
  name: string;
  revision: number;
  contentHash: string | null;
  state: 'active' | 'deleted';
  recordedAt: string;
}

export type CredentialChange =
  | { action: 'created' | 'updated'; namespace: string; name: string; credential: ResolvedCredential }
  | { action: 'deleted'; namespace: string; name: string; contentHash: string | null };

/**
 * The changes that turn what was served in a namespace into what its Secrets now resolve to: a new
 * or re-created credential, a new content hash, or a credential no Secret provides any more.
 * Identical content is no change at all. Sorted by name so rows and publishes keep one order.
 * With `only`, the resolution speaks for those credentials alone (a Secret's family) and nothing
 * else in the namespace is judged.
 */
export function credentialChanges(
  namespace: string,
  resolution: Resolution,
  served: ReadonlyMap<string, ServedState>,
  only?: ReadonlySet<string>,
): CredentialChange[] {
  const changes: CredentialChange[] = [];
  const desired = new Set<string>();
  for (const c of resolution.credentials) {
    if (c.namespace !== namespace || (only && !only.has(c.sdsName))) continue;
    desired.add(c.sdsName);
    const prev = served.get(c.sdsName);
    if (!prev || prev.state === 'deleted')
      changes.push({ action: 'created', namespace, name: c.sdsName, credential: c });
    else if (prev.contentHash !== c.contentHash)
      changes.push({ action: 'updated', namespace, name: c.sdsName, credential: c });
  }
  const candidates = only ? [...only].flatMap((n) => served.get(n) ?? []) : served.values();
  for (const prev of candidates) {
    if (prev.state === 'active' && !desired.has(prev.name)) {
      changes.push({ action: 'deleted', namespace, name: prev.name, contentHash: prev.contentHash });
    }
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
