import { auditEntry, chainRow, type ChainedAuditRow } from '#keyway/secrets';
import type { CredentialChange } from './credential-changes.js';
import type { CredentialState } from './credential-state.js';

/** Who or what caused a change: the event's source and actor, or `startup` after a restart. */
export interface ChangeCause {
  source: string;
  actor: string;
  reason?: string;
}

/**
 * The next row of a credential's chain: one revision after its head, hashed over the head's hash.
 * Revisions count rejections too, so a revision number names one audit row, never a reused slot.
 */
export function nextAuditRow(
  head: ChainedAuditRow | undefined,
  namespace: string,
  name: string,
  fields: ChangeCause & { action: ChainedAuditRow['action']; recordedAt: string; change?: CredentialChange },
): ChainedAuditRow {
  const change = fields.change;
  const entry = auditEntry({
    namespace,
    name,
    revision: (head?.revision ?? 0) + 1,
    action: fields.action,
    source: fields.source,
    actor: fields.actor,
    recordedAt: fields.recordedAt,
    credential: change && change.action !== 'deleted' ? change.credential : undefined,
    contentHash: change?.action === 'deleted' ? change.contentHash : undefined,
    reason: fields.reason,
  });
  return chainRow(head, entry);
}

/**
 * One row per change, all recorded at the same instant. A new or updated version is attributed to
 * the source and actor of the copy now served, which is not always the event's: deleting the
 * winning copy serves the next one, and the log must say whose bytes those are. A deletion has no
 * copy left, so it is attributed to its cause.
 */
export function auditRowsFor(
  state: Pick<CredentialState, 'head' | 'winner'>,
  changes: readonly CredentialChange[],
  cause: ChangeCause,
  recordedAt: string,
): ChainedAuditRow[] {
  return changes.map((change) => {
    let { source, actor } = cause;
    if (change.action !== 'deleted') {
      // Looked up by the Secret the material came from: a Secret `web` with a `cacert` key also
      // provides the credential `web-cacert`.
      const winner = state.winner(change.namespace, change.credential.secretName);
      if (winner) ({ source, actor } = winner);
    }
    return nextAuditRow(state.head(change.namespace, change.name), change.namespace, change.name, {
      action: change.action,
      source,
      actor,
      reason: cause.reason,
      recordedAt,
      change,
    });
  });
}
