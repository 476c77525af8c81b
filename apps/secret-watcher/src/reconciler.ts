import type { FieldError } from '#keyway/contracts';
import type { Logger } from '#keyway/observability';
import {
  assembleCredentials,
  auditEntry,
  chainRow,
  formatSecretError,
  type ChainedAuditRow,
  type DecodedSecret,
  type ValidationOptions,
} from '#keyway/secrets';
import type { SealedEnvelope } from '#keyway/key-material';
import type { ApiSecretChange, AuditStore } from './audit-log.js';
import { isTransientDatabaseError } from './audit-log.js';
import type { SourceName } from './config.js';
import { credentialChanges, type CredentialChange, type ServedState } from './credential-changes.js';
import type { CredentialSink } from './credential-publisher.js';
import type { SourcePrecedence } from './precedence.js';
import { dataHashOf, entryFor, type SecretEntry } from './secret-entry.js';

export type SecretEvent =
  | {
      kind: 'apply';
      source: SourceName;
      actor: string;
      secret: DecodedSecret;
      reason?: string;
      sealedManifest?: SealedEnvelope;
    }
  | { kind: 'delete'; source: SourceName; actor: string; namespace: string; name: string; reason?: string };

export interface EventOutcome {
  outcome: 'created' | 'updated' | 'unchanged' | 'rejected' | 'deleted' | 'not-found';
  namespace: string;
  name: string;
  revision: number;
  contentHash: string;
  warnings: string[];
  errors: FieldError[];
}

export interface ReconcilerOptions {
  precedence: SourcePrecedence;
  validation: ValidationOptions;
  deleteGraceSeconds: number;
  logger: Logger;
  now?: () => Date;
}

const ref = (namespace: string, name: string): string => `${namespace}/${name}`;
/** Most events committed in one transaction. */
const MAX_GROUP = 256;

/** What one job adds to a group commit. */
interface Staged<T> {
  rows: ChainedAuditRow[];
  apiChanges: ApiSecretChange[];
  changes: Array<{ change: CredentialChange; row: ChainedAuditRow }>;
  result: T;
}

interface Snapshot {
  entries: Map<string, Map<SourceName, SecretEntry>>;
  heads: Map<string, ChainedAuditRow>;
  served: Map<string, Map<string, ServedState>>;
}

interface Job {
  stage(): Staged<unknown>;
  after?: () => Promise<void>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The credential pipeline's one writer. Events from every source go through one queue; each is
 * validated, resolved against its namespace, audited (the rows commit, or nothing happens), and only
 * then published. With Postgres down the queue waits and retries: nothing is published unaudited,
 * and what is published stays.
 */
export class Reconciler {
  readonly #entries = new Map<string, Map<SourceName, SecretEntry>>();
  readonly #heads = new Map<string, ChainedAuditRow>();
  readonly #served = new Map<string, Map<string, ServedState>>();
  readonly #jobs: Job[] = [];
  #draining?: Promise<void>;
  #running = false;
  #stopped = false;
  #auditDownSince?: Date;
  #auditError?: string;
  #publishDownSince?: Date;
  readonly #now: () => Date;

  constructor(
    private readonly store: AuditStore,
    private readonly sink: CredentialSink,
    private readonly options: ReconcilerOptions,
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  /** Loads chain heads and what was served; sources then seed their Secrets before `reconcileAll`. */
  async load(): Promise<void> {
    for (const row of await this.#retryDb(() => this.store.heads()))
      this.#heads.set(ref(row.namespace, row.name), row);
    for (const row of await this.#retryDb(() => this.store.served())) this.#setServed(row);
  }

  /** Puts a source's Secret in place without auditing; `reconcileAll` then settles every namespace. */
  seed(source: SourceName, actor: string, secret: DecodedSecret): void {
    const at = this.#now().toISOString();
    const entry = entryFor(source, actor, secret, this.options.validation, at);
    if (entry.validation.errors.length) {
      this.options.logger.warn(
        { secret: ref(secret.namespace, secret.name), source },
        'stored Secret no longer validates; skipped',
      );
      return;
    }
    this.#sources(ref(secret.namespace, secret.name)).set(source, entry);
  }

  /** Settles every namespace (after a restart: files deleted while down, unpublished versions). */
  reconcileAll(): Promise<void> {
    return this.#enqueue(
      () => {
        const staged: Staged<void> = { rows: [], apiChanges: [], changes: [], result: undefined };
        const namespaces = new Set<string>([
          ...this.#served.keys(),
          ...[...this.#entries.keys()].map((k) => k.split('/')[0]),
        ]);
        for (const ns of [...namespaces].sort()) {
          const changes = credentialChanges(
            ns,
            this.#resolve(ns, this.#entries),
            this.#served.get(ns) ?? new Map(),
          );
          const rows = this.#rowsFor(changes, this.#entries, { source: 'startup', actor: 'keyway' });
          this.#apply(rows);
          staged.rows.push(...rows);
          staged.changes.push(...changes.map((change, i) => ({ change, row: rows[i] })));
        }
        return staged;
      },
      () => this.#republishServed(),
    );
  }

  submit(event: SecretEvent): Promise<EventOutcome> {
    return this.#enqueue(() => this.#stage(event));
  }

  /** Readiness: false while audit rows cannot be written (new versions wait). */
  health(): { ok: boolean; detail?: string } {
    if (this.#auditDownSince) {
      return {
        ok: false,
        detail: `audit log unavailable since ${this.#auditDownSince.toISOString()}: new versions wait (${this.#auditError})`,
      };
    }
    if (this.#publishDownSince)
      return {
        ok: false,
        detail: `credentials bucket unavailable since ${this.#publishDownSince.toISOString()}`,
      };
    return { ok: true };
  }

  /** Finishes the event in progress and refuses new ones. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#draining;
    for (const job of this.#jobs.splice(0)) job.reject(new Error('secret-watcher is stopping'));
  }

  /** The winning source's entry of every Secret, for get/list. */
  secrets(
    namespace?: string,
  ): Array<{ entry: SecretEntry; namespace: string; name: string; served?: ServedState }> {
    const out = [];
    for (const [key, sources] of [...this.#entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [ns, name] = key.split('/');
      if (namespace && ns !== namespace) continue;
      const { winner } = this.options.precedence.pick(sources.values());
      if (winner) out.push({ entry: winner, namespace: ns, name, served: this.#served.get(ns)?.get(name) });
    }
    return out;
  }

  #enqueue<T>(stage: () => Staged<T>, after?: () => Promise<void>): Promise<T> {
    if (this.#stopped) return Promise.reject(new Error('secret-watcher is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ stage, after, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) this.#draining = this.#drain();
    });
  }

  /**
   * Group commit: every job waiting is staged in order against the in-memory state, their rows go
   * to Postgres in one transaction, and only then is anything published, job by job, in order. A
   * permanent failure rolls the in-memory state back and fails the whole group.
   */
  async #drain(): Promise<void> {
    // Cleared by the `finally` in the same tick as the loop's last look at the queue, so a job
    // pushed at any moment is either seen by this loop or starts the next one.
    this.#running = true;
    try {
      while (this.#jobs.length && !this.#stopped) {
        const group = this.#jobs.splice(0, MAX_GROUP);
        const snapshot = this.#snapshot();
        const staged: Array<{ job: Job; staged?: Staged<unknown>; error?: unknown }> = group.map((job) => {
          try {
            return { job, staged: job.stage() };
          } catch (error) {
            return { job, error };
          }
        });
        const rows = staged.flatMap((s) => s.staged?.rows ?? []);
        const apiChanges = staged.flatMap((s) => s.staged?.apiChanges ?? []);
        try {
          if (rows.length || apiChanges.length)
            await this.#retryDb(() => this.store.commit(rows, apiChanges));
        } catch (e) {
          this.#restore(snapshot);
          for (const s of staged) s.job.reject(s.error ?? e);
          continue;
        }
        await this.#publishGroup(staged);
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Publishes a committed group: each credential's versions in order, different credentials at the
   * same time (one KV round trip each rather than one after another); a job settles once all of its
   * own changes are in the bucket.
   */
  async #publishGroup(staged: Array<{ job: Job; staged?: Staged<unknown>; error?: unknown }>): Promise<void> {
    const lanes = new Map<string, Promise<void>>();
    const settled = staged.map(async (s) => {
      if (!s.staged) return s.job.reject(s.error);
      const own = s.staged.changes.map(({ change, row }) => {
        const lane = ref(change.namespace, change.name);
        const next = (lanes.get(lane) ?? Promise.resolve()).then(() => this.#publishOne(change, row));
        lanes.set(
          lane,
          next.catch(() => undefined),
        );
        return next;
      });
      try {
        await Promise.all(own);
        await s.job.after?.();
        s.job.resolve(s.staged.result);
      } catch (e) {
        s.job.reject(e);
      }
    });
    await Promise.all(settled);
  }

  #snapshot(): Snapshot {
    return {
      entries: new Map(this.#entries),
      heads: new Map(this.#heads),
      served: new Map([...this.#served].map(([k, v]) => [k, new Map(v)])),
    };
  }

  #restore(s: Snapshot): void {
    for (const [target, source] of [
      [this.#entries, s.entries],
      [this.#heads, s.heads],
      [this.#served, s.served],
    ] as Array<[Map<string, unknown>, Map<string, unknown>]>) {
      target.clear();
      for (const [k, v] of source) target.set(k, v);
    }
  }

  /** Stages one event against the in-memory state: its rows, its API store change, what to publish. */
  #stage(ev: SecretEvent): Staged<EventOutcome> {
    const namespace = ev.kind === 'apply' ? ev.secret.namespace : ev.namespace;
    const name = ev.kind === 'apply' ? ev.secret.name : ev.name;
    const key = ref(namespace, name);
    const at = this.#now().toISOString();
    const warnings: string[] = [];
    const nothing = (outcome: EventOutcome['outcome']): Staged<EventOutcome> => ({
      rows: [],
      apiChanges: [],
      changes: [],
      result: this.#outcome(outcome, namespace, name, warnings),
    });
    // Copy on write: the group's snapshot keeps the previous map for a rollback.
    const sources = new Map(this.#entries.get(key) ?? []);
    const apiChanges: ApiSecretChange[] = [];

    if (ev.kind === 'apply') {
      const previous = sources.get(ev.source);
      if (previous && previous.dataHash === dataHashOf(ev.secret)) return nothing('unchanged');
      const entry = entryFor(ev.source, ev.actor, ev.secret, this.options.validation, at, previous);
      warnings.push(...entry.validation.warnings.map(formatSecretError));
      if (entry.validation.errors.length) {
        const reason = entry.validation.errors.map(formatSecretError).join('; ');
        const row = this.#row(namespace, name, {
          action: 'rejected',
          source: ev.source,
          actor: ev.actor,
          reason,
          recordedAt: at,
        });
        this.#apply([row]);
        this.options.logger.warn(
          { secret: key, source: ev.source, errors: entry.validation.errors.length },
          'Secret rejected',
        );
        const result = {
          ...this.#outcome('rejected', namespace, name, warnings),
          errors: entry.validation.errors,
        };
        return { rows: [row], apiChanges: [], changes: [], result };
      }
      sources.set(ev.source, entry);
      if (ev.source === 'api' && ev.sealedManifest) {
        apiChanges.push({
          op: 'upsert',
          namespace,
          name,
          sealedManifest: ev.sealedManifest,
          actor: ev.actor,
        });
      }
    } else {
      if (!sources.has(ev.source)) return nothing('not-found');
      sources.delete(ev.source);
      if (ev.source === 'api') apiChanges.push({ op: 'delete', namespace, name });
    }
    if (sources.size) this.#entries.set(key, sources);
    else this.#entries.delete(key);

    if (sources.size > 1) {
      const { winner, losers } = this.options.precedence.pick(sources.values());
      for (const loser of losers) {
        warnings.push(
          `Secret/${key}: source ${loser.source} is shadowed by source ${winner!.source}, which takes precedence`,
        );
      }
      this.options.logger.warn(
        { secret: key, winner: winner!.source, losers: losers.map((l) => l.source) },
        'Secret held by several sources',
      );
    }

    const changes = credentialChanges(
      namespace,
      this.#resolve(namespace, this.#entries),
      this.#served.get(namespace) ?? new Map(),
    );
    const rows = this.#rowsFor(changes, this.#entries, {
      source: ev.source,
      actor: ev.actor,
      reason: ev.reason,
    });
    this.#apply(rows);
    const own = changes.find((c) => c.name === name);
    const outcome = own ? own.action : ev.kind === 'delete' ? 'deleted' : 'unchanged';
    return {
      rows,
      apiChanges,
      changes: changes.map((change, i) => ({ change, row: rows[i] })),
      result: this.#outcome(outcome, namespace, name, warnings),
    };
  }

  #outcome(
    outcome: EventOutcome['outcome'],
    namespace: string,
    name: string,
    warnings: string[],
  ): EventOutcome {
    const served = this.#served.get(namespace)?.get(name);
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

  #sources(key: string): Map<SourceName, SecretEntry> {
    let m = this.#entries.get(key);
    if (!m) this.#entries.set(key, (m = new Map()));
    return m;
  }

  #resolve(namespace: string, entries: Map<string, Map<SourceName, SecretEntry>>) {
    const validations = [];
    for (const [key, sources] of entries) {
      if (!key.startsWith(`${namespace}/`)) continue;
      const { winner } = this.options.precedence.pick(sources.values());
      if (winner) validations.push(winner.validation);
    }
    return assembleCredentials(validations);
  }

  #row(
    namespace: string,
    name: string,
    fields: {
      action: ChainedAuditRow['action'];
      source: string;
      actor: string;
      reason?: string;
      recordedAt: string;
      change?: CredentialChange;
    },
    heads: Map<string, ChainedAuditRow> = this.#heads,
  ): ChainedAuditRow {
    const head = heads.get(ref(namespace, name));
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

  #rowsFor(
    changes: CredentialChange[],
    entries: Map<string, Map<SourceName, SecretEntry>>,
    cause: { source: string; actor: string; reason?: string },
  ): ChainedAuditRow[] {
    const recordedAt = this.#now().toISOString();
    return changes.map((change) => {
      let { source, actor } = cause;
      if (change.action !== 'deleted') {
        const winner = this.options.precedence.pick(
          entries.get(ref(change.namespace, change.credential.secretName))?.values() ?? [],
        ).winner;
        if (winner) ({ source, actor } = winner);
      }
      return this.#row(change.namespace, change.name, {
        action: change.action,
        source,
        actor,
        reason: cause.reason,
        recordedAt,
        change,
      });
    });
  }

  #apply(rows: ChainedAuditRow[]): void {
    for (const row of rows) {
      this.#heads.set(ref(row.namespace, row.name), row);
      if (row.action !== 'rejected') this.#setServed(row);
    }
  }

  #setServed(row: ChainedAuditRow): void {
    let ns = this.#served.get(row.namespace);
    if (!ns) this.#served.set(row.namespace, (ns = new Map()));
    ns.set(row.name, {
      namespace: row.namespace,
      name: row.name,
      revision: row.revision,
      contentHash: row.contentHash,
      state: row.action === 'deleted' ? 'deleted' : 'active',
      recordedAt: row.recordedAt,
    });
  }

  #serveUntil(recordedAt: string): string {
    return new Date(new Date(recordedAt).getTime() + this.options.deleteGraceSeconds * 1000).toISOString();
  }

  #publishOne(change: CredentialChange, row: ChainedAuditRow): Promise<void> {
    return this.#retryPublish((attempt) =>
      change.action === 'deleted'
        ? this.sink.markDeleted(change.namespace, change.name, row.revision, this.#serveUntil(row.recordedAt))
        : // A retry first checks the bucket: the failed attempt may have landed.
          this.sink.publish(change.credential, row.revision, attempt > 0),
    );
  }

  /** After a restart: a version audited but not yet published (crash in between) is published now. */
  async #republishServed(): Promise<void> {
    for (const [ns, states] of this.#served) {
      const resolution = this.#resolve(ns, this.#entries);
      for (const s of states.values()) {
        if (s.state === 'deleted') {
          await this.#retryPublish(() =>
            this.sink.markDeleted(ns, s.name, s.revision, this.#serveUntil(s.recordedAt)),
          );
          continue;
        }
        const c = resolution.credentials.find((x) => x.sdsName === s.name && x.contentHash === s.contentHash);
        if (c) await this.#retryPublish(() => this.sink.publish(c, s.revision));
      }
    }
  }

  async #retryDb<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await work();
        if (this.#auditDownSince)
          this.options.logger.info({ since: this.#auditDownSince }, 'audit log reachable again');
        this.#auditDownSince = undefined;
        return result;
      } catch (e) {
        if (!isTransientDatabaseError(e) || this.#stopped) throw e;
        if (!this.#auditDownSince) {
          this.#auditDownSince = this.#now();
          this.options.logger.error(
            { err: (e as Error).message },
            'audit log unavailable: new versions wait',
          );
        }
        this.#auditError = (e as Error).message;
        await delay(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  async #retryPublish(work: (attempt: number) => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work(attempt);
        this.#publishDownSince = undefined;
        return;
      } catch (e) {
        if (this.#stopped) throw e;
        this.#publishDownSince ??= this.#now();
        this.options.logger.warn({ err: (e as Error).message }, 'publish failed; retrying');
        await delay(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
