import type { Logger } from '#keyway/observability';
import { formatSecretError, type ValidationOptions } from '#keyway/secrets';
import type { ApiSecretChange } from './audit-log.js';
import { auditRowsFor, nextAuditRow, type ChangeCause } from './audit-rows.js';
import { credentialChanges, type CredentialChange } from './credential-changes.js';
import { secretRef, type CredentialState } from './credential-state.js';
import type { AuditedChange, Staged } from './group-commit.js';
import { shadowWarnings, type SourcePrecedence } from './precedence.js';
import { dataHashOf, entryFor, type CheckedSecret } from './secret-entry.js';
import type { EventOutcome, SecretEvent } from './secret-event.js';

export interface StagingContext {
  state: CredentialState;
  precedence: SourcePrecedence;
  validation: ValidationOptions;
  logger: Logger;
  now: () => Date;
}

/**
 * Stages one event against the in-memory state: the state changes at once (the next event in the
 * group sees it), and what comes back is what must be committed (audit rows, the API store
 * change) and then published. Nothing here does I/O. `checked` is the Secret's validation when the
 * caller made it already (see checkSecret).
 */
export function stageEvent(
  ctx: StagingContext,
  ev: SecretEvent,
  checked?: CheckedSecret,
): Staged<EventOutcome> {
  const { state } = ctx;
  const namespace = ev.kind === 'apply' ? ev.secret.namespace : ev.namespace;
  const name = ev.kind === 'apply' ? ev.secret.name : ev.name;
  const key = secretRef(namespace, name);
  const at = ctx.now().toISOString();
  const warnings: string[] = [];
  const nothing = (outcome: EventOutcome['outcome']): Staged<EventOutcome> => ({
    rows: [],
    apiChanges: [],
    changes: [],
    result: outcomeOf(state, outcome, namespace, name, warnings),
  });
  // Copy on write: the group's checkpoint keeps the previous map for a rollback.
  const copies = new Map(state.copiesOf(namespace, name));
  const apiChanges: ApiSecretChange[] = [];

  if (ev.kind === 'apply') {
    const previous = copies.get(ev.source);
    if (previous && previous.dataHash === (checked?.dataHash ?? dataHashOf(ev.secret)))
      return nothing('unchanged');
    const entry = entryFor(ev.source, ev.actor, ev.secret, ctx.validation, at, previous, checked);
    warnings.push(...entry.validation.warnings.map(formatSecretError));
    if (entry.validation.errors.length) {
      // Last good wins: the rejection is audited (it takes a revision) and nothing else changes.
      const reason = entry.validation.errors.map(formatSecretError).join('; ');
      const result = {
        ...outcomeOf(state, 'rejected', namespace, name, warnings),
        errors: entry.validation.errors,
      };
      // A tenant looping on a broken Secret must not grow the record without bound: the same refusal
      // again (same source, actor and reason as the chain's last row) is refused, not recorded again.
      const head = state.head(namespace, name);
      if (
        head?.action === 'rejected' &&
        head.source === ev.source &&
        head.actor === ev.actor &&
        head.reason === reason
      )
        return { rows: [], apiChanges: [], changes: [], result };
      const row = nextAuditRow(head, namespace, name, {
        action: 'rejected',
        source: ev.source,
        actor: ev.actor,
        reason,
        recordedAt: at,
      });
      state.record([row]);
      ctx.logger.warn(
        { secret: key, source: ev.source, errors: entry.validation.errors.length },
        'Secret rejected',
      );
      return { rows: [row], apiChanges: [], changes: [], result };
    }
    copies.set(ev.source, entry);
    // Only the API source is stored by keyway; the others are read again from where they live.
    if (ev.source === 'api' && ev.sealedManifest) {
      apiChanges.push({ op: 'upsert', namespace, name, sealedManifest: ev.sealedManifest, actor: ev.actor });
    }
  } else {
    if (!copies.has(ev.source)) return nothing('not-found');
    copies.delete(ev.source);
    if (ev.source === 'api') apiChanges.push({ op: 'delete', namespace, name });
  }
  state.hold(namespace, name, copies);

  if (copies.size > 1) {
    const { winner, losers } = ctx.precedence.pick(copies.values());
    warnings.push(...shadowWarnings(key, winner!, losers));
    ctx.logger.warn(
      { secret: key, winner: winner!.source, losers: losers.map((l) => l.source) },
      'Secret held by several sources',
    );
  }

  // Not just this Secret's own credential is settled, because Secrets interact: a `web-cacert`
  // Secret overrides the CA inside `web`, and deleting it brings that CA back.
  const changes = settleSecret(ctx, namespace, name, {
    source: ev.source,
    actor: ev.actor,
    reason: ev.reason,
  });
  const own = changes.find((c) => c.change.name === name);
  const outcome = own ? own.change.action : ev.kind === 'delete' ? 'deleted' : 'unchanged';
  return {
    rows: changes.map((c) => c.row),
    apiChanges,
    changes,
    result: outcomeOf(state, outcome, namespace, name, warnings),
  };
}

/**
 * Stages a settle of every namespace, audited with source `startup`: after a restart the sources
 * are read again, and whatever changed while the service was down (a file deleted, say) becomes a
 * version like any other.
 */
export function stageSettleAll(ctx: StagingContext): Staged<void> {
  const staged: Staged<void> = { rows: [], apiChanges: [], changes: [], result: undefined };
  for (const ns of ctx.state.namespaces()) {
    const changes = settleNamespace(ctx, ns, { source: 'startup', actor: 'keyway' });
    staged.rows.push(...changes.map((c) => c.row));
    staged.changes.push(...changes);
  }
  return staged;
}

/** Turns what was served in the namespace into what its Secrets resolve to now, recording the rows. */
function settleNamespace(ctx: StagingContext, namespace: string, cause: ChangeCause): AuditedChange[] {
  const { state } = ctx;
  return recorded(
    ctx,
    credentialChanges(namespace, state.resolve(namespace), state.servedIn(namespace)),
    cause,
  );
}

/** The same for the credentials a change to one Secret can change (its family), and only those. */
function settleSecret(
  ctx: StagingContext,
  namespace: string,
  name: string,
  cause: ChangeCause,
): AuditedChange[] {
  const { state } = ctx;
  const { resolution, sdsNames } = state.resolveFamily(namespace, name);
  return recorded(ctx, credentialChanges(namespace, resolution, state.servedIn(namespace), sdsNames), cause);
}

function recorded(ctx: StagingContext, changes: CredentialChange[], cause: ChangeCause): AuditedChange[] {
  const rows = auditRowsFor(ctx.state, changes, cause, ctx.now().toISOString());
  ctx.state.record(rows);
  return changes.map((change, i) => ({ change, row: rows[i] }));
}

function outcomeOf(
  state: CredentialState,
  outcome: EventOutcome['outcome'],
  namespace: string,
  name: string,
  warnings: string[],
): EventOutcome {
  const served = state.served(namespace, name);
  return {
    outcome,
    namespace,
    name,
    revision: served?.revision ?? 0,
    contentHash: served?.contentHash ?? '',
    warnings,
    errors: [],
  };
}
