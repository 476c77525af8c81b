import type { FieldError } from '#keyway/contracts';
import type { Logger } from '#keyway/observability';
import type { ChainedAuditRow, DecodedSecret, SecretErrorCode, ValidationOptions } from '#keyway/secrets';
import type { AuditStore } from './audit-log.js';
import { BucketPublication } from './bucket-publication.js';
import type { SourceName } from './config.js';
import type { ServedState } from './credential-changes.js';
import type { CredentialSink } from './credential-publisher.js';
import { CredentialState, secretRef } from './credential-state.js';
import type { CredentialTelemetry } from './credential-telemetry.js';
import { AuditSinkUnwritable } from '#keyway/audit-export';
import { GroupCommitQueue } from './group-commit.js';
import { OutageRetry } from './outage-retry.js';
import type { SourcePrecedence } from './precedence.js';
import { checkSecret, entryFor, type SecretEntry } from './secret-entry.js';
import type { EventOutcome, SecretEvent } from './secret-event.js';
import { stageEvent, stageSettleAll, type StagingContext } from './staging.js';

export interface ReconcilerOptions {
  precedence: SourcePrecedence;
  validation: ValidationOptions;
  deleteGraceSeconds: number;
  logger: Logger;
  now?: () => Date;
  /** Expiry and version metrics, fed with rows once committed. */
  telemetry?: CredentialTelemetry;
  /** Signed checkpoints of the chain heads, fed with rows once committed (libs/messaging signed-checkpoints.ts). */
  checkpoints?: { committed(rows: readonly ChainedAuditRow[]): void };
  /** The audit device (AUDIT_SINK): fail closed while a required one cannot be written; told of commits. */
  export?: { writable(): boolean; nudge(): void; health(): { detail: string } };
}

/**
 * The credential pipeline's one writer. Events from every source go through one queue; each is
 * validated, resolved against its namespace, audited (the rows commit, or nothing happens), and only
 * then published. With Postgres down the queue waits and retries: nothing is published unaudited,
 * and what is published stays.
 *
 * This class only assembles the parts: the in-memory state (credential-state.ts), what an event
 * changes (staging.ts, audit-rows.ts), the audit-then-publish queue (group-commit.ts), the bucket
 * writes (bucket-publication.ts) and retrying through outages (outage-retry.ts).
 */
export class Reconciler {
  readonly #state: CredentialState;
  readonly #retry: OutageRetry;
  readonly #publication: BucketPublication;
  readonly #queue: GroupCommitQueue;
  readonly #staging: StagingContext;

  constructor(
    private readonly store: AuditStore,
    sink: CredentialSink,
    private readonly options: ReconcilerOptions,
  ) {
    const now = options.now ?? (() => new Date());
    this.#state = new CredentialState(options.precedence);
    this.#retry = new OutageRetry({ logger: options.logger, now });
    this.#publication = new BucketPublication(sink, this.#retry, options.deleteGraceSeconds);
    this.#queue = new GroupCommitQueue({
      checkpoint: () => this.#state.checkpoint(),
      commit: async (rows, apiChanges) => {
        await this.#retry.auditLog(() => {
          if (options.export && !options.export.writable())
            throw new AuditSinkUnwritable(options.export.health().detail);
          return store.commit(rows, apiChanges);
        });
        options.telemetry?.committed(rows);
        options.checkpoints?.committed(rows);
        options.export?.nudge();
      },
      publish: (change, row) => this.#publication.publish(change, row),
    });
    this.#staging = {
      state: this.#state,
      precedence: options.precedence,
      validation: options.validation,
      logger: options.logger,
      now,
    };
  }

  /** Loads chain heads and what was served; sources then seed their Secrets before `reconcileAll`. */
  async load(): Promise<void> {
    const heads = await this.#retry.auditLog(() => this.store.heads());
    const served = await this.#retry.auditLog(() => this.store.served());
    this.#state.load(heads, served);
    this.options.telemetry?.load(served);
  }

  /** Puts a source's Secret in place without auditing; `reconcileAll` then settles every namespace. */
  seed(source: SourceName, actor: string, secret: DecodedSecret): void {
    const at = this.#staging.now().toISOString();
    const entry = entryFor(source, actor, secret, this.options.validation, at);
    if (entry.validation.errors.length) {
      this.options.logger.warn(
        { secret: secretRef(secret.namespace, secret.name), source },
        'stored Secret no longer validates; skipped',
      );
      return;
    }
    const copies = new Map(this.#state.copiesOf(secret.namespace, secret.name)).set(source, entry);
    this.#state.hold(secret.namespace, secret.name, copies);
  }

  /** Settles every namespace (after a restart: files deleted while down, unpublished versions). */
  reconcileAll(): Promise<void> {
    return this.#queue.enqueue(
      () => stageSettleAll(this.#staging),
      () => this.#publication.republishServed(this.#state),
    );
  }

  async submit(event: SecretEvent): Promise<EventOutcome> {
    const checked = event.kind === 'apply' ? checkSecret(event.secret, this.options.validation) : undefined;
    const outcome = await this.#queue.enqueue(() => stageEvent(this.#staging, event, checked));
    if (outcome.outcome === 'rejected') {
      this.options.telemetry?.rejected((outcome.errors[0]?.code as SecretErrorCode | undefined) ?? 'invalid');
    }
    return outcome;
  }

  /** Readiness: false while audit rows cannot be written (new versions wait) or the bucket is down. */
  health(): { ok: boolean; detail?: string } {
    return this.#retry.health();
  }

  /** Finishes the event in progress and refuses new ones. */
  async stop(): Promise<void> {
    // Both before the first await: a retry failing from here on gives up rather than holding the drain.
    this.#retry.stop();
    await this.#queue.stop();
  }

  /**
   * What applying `secret` through `source` would say, changing nothing: the validation an apply runs
   * (same options) and, when another source's copy would win, the shadow warning an apply gives.
   */
  dryRun(
    source: SourceName,
    secret: DecodedSecret,
  ): {
    exists: boolean;
    errors: FieldError[];
    warnings: FieldError[];
    validation: SecretEntry['validation'];
    shadowedBy?: SourceName;
  } {
    const copies = this.#state.copiesOf(secret.namespace, secret.name);
    const entry = entryFor(source, 'dry-run', secret, this.options.validation, new Date(0).toISOString());
    const others = [...copies.values()].filter((c) => c.source !== source);
    const { winner } = this.options.precedence.pick([...others, entry]);
    return {
      exists: copies.has(source),
      errors: entry.validation.errors,
      warnings: entry.validation.warnings,
      validation: entry.validation,
      ...(winner && winner !== entry ? { shadowedBy: winner.source } : {}),
    };
  }

  /** Every source's copy of one Secret (for get: which copies the served one shadows). */
  copiesOf(namespace: string, name: string): ReadonlyMap<SourceName, SecretEntry> {
    return this.#state.copiesOf(namespace, name);
  }

  /** The winning source's entry of one Secret, for get: no walk over every Secret held. */
  secret(
    namespace: string,
    name: string,
  ): { entry: SecretEntry; namespace: string; name: string; served?: ServedState } | undefined {
    const entry = this.#state.winner(namespace, name);
    return entry && { entry, namespace, name, served: this.#state.served(namespace, name) };
  }

  /** The winning source's entry of every Secret, for get/list. */
  secrets(
    namespace?: string,
  ): Array<{ entry: SecretEntry; namespace: string; name: string; served?: ServedState }> {
    return this.#state.secrets(namespace);
  }
}
