import type { ChainedAuditRow } from '#keyway/secrets';
import type { ApiSecretChange } from './audit-log.js';
import type { CredentialChange } from './credential-changes.js';
import { secretRef } from './credential-state.js';

/** A change to a served credential and the audit row that records it. */
export interface AuditedChange {
  change: CredentialChange;
  row: ChainedAuditRow;
}

/** What one job adds to a group commit, and what its caller gets once that is committed and published. */
export interface Staged<T> {
  rows: ChainedAuditRow[];
  apiChanges: ApiSecretChange[];
  changes: AuditedChange[];
  result: T;
}

/** The steps around the queue; each is expected to retry transient failures itself. */
export interface GroupCommitSteps {
  /** Copies the in-memory state; the function returned puts it back. */
  checkpoint(): () => void;
  /** One transaction: every row of the group and the API store changes, or nothing. */
  commit(rows: ChainedAuditRow[], apiChanges: ApiSecretChange[]): Promise<void>;
  /** Puts one committed change in the bucket. */
  publish(change: CredentialChange, row: ChainedAuditRow): Promise<void>;
}

interface Job {
  stage(): Staged<unknown>;
  after?: () => Promise<void>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface StagedJob {
  job: Job;
  staged?: Staged<unknown>;
  error?: unknown;
}

/** Most jobs committed in one transaction. */
const MAX_GROUP = 256;

/**
 * The one writer's queue: audit, then publish. Jobs are staged one at a time, in arrival order,
 * against the in-memory state, so each sees what the previous one changed; staging is synchronous,
 * which is what keeps two jobs from interleaving. Everything waiting is staged as one group whose
 * rows commit in one Postgres transaction (a burst of applies costs one round trip, not one each),
 * and only after the commit is anything published: a version in the bucket always has its audit row.
 *
 * Two groups overlap at most: while group N is being published, group N+1 is staged and committed
 * (its commit round trip no longer waits behind N's KV writes), and N+1 is published only once N's
 * publishing is done, so a credential's versions reach the bucket in order. A group with `after` work
 * (a republish from the in-memory state) is published before anything else is staged: that state
 * must hold nothing uncommitted while it is read.
 */
export class GroupCommitQueue {
  readonly #jobs: Job[] = [];
  #draining?: Promise<void>;
  #running = false;
  #stopped = false;
  /** Set while the drain waits on a publish with nothing to stage: a new job wakes it. */
  #wake?: () => void;

  constructor(private readonly steps: GroupCommitSteps) {}

  /**
   * Queues a job; settles with its result once its rows are committed and its changes published,
   * and `after` (work that needs the committed state, such as republishing after a restart) is done.
   */
  enqueue<T>(stage: () => Staged<T>, after?: () => Promise<void>): Promise<T> {
    if (this.#stopped) return Promise.reject(new Error('secret-watcher is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ stage, after, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) this.#draining = this.#drain();
      else this.#wake?.();
    });
  }

  /** Finishes the group in progress and rejects every job still waiting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#draining;
    for (const job of this.#jobs.splice(0)) job.reject(new Error('secret-watcher is stopping'));
  }

  /**
   * A commit that fails for good (after the retries in `commit`) puts the in-memory state back as
   * it was before the group and fails every job in it: none of their rows exist, so none of their
   * changes may be served. A job whose staging threw fails alone; the others go ahead.
   */
  async #drain(): Promise<void> {
    // Cleared by the `finally` in the same tick as the loop's last look at the queue, so a job
    // pushed at any moment is either seen by this loop or starts the next one.
    this.#running = true;
    let publishing: Promise<void> | undefined;
    try {
      for (;;) {
        if (!this.#jobs.length || this.#stopped) {
          if (!publishing) break;
          // Nothing to stage: wait for the last group's publishing, or for a job to arrive.
          const arrived = new Promise<'arrived'>((r) => (this.#wake = () => r('arrived')));
          const woke = await Promise.race([publishing.then(() => 'published' as const), arrived]);
          this.#wake = undefined;
          if (woke === 'published') publishing = undefined;
          continue;
        }
        const group = this.#jobs.splice(0, MAX_GROUP);
        const rollback = this.steps.checkpoint();
        const staged: StagedJob[] = group.map((job) => {
          try {
            return { job, staged: job.stage() };
          } catch (error) {
            return { job, error };
          }
        });
        const rows = staged.flatMap((s) => s.staged?.rows ?? []);
        const apiChanges = staged.flatMap((s) => s.staged?.apiChanges ?? []);
        try {
          if (rows.length || apiChanges.length) await this.steps.commit(rows, apiChanges);
        } catch (e) {
          rollback();
          for (const s of staged) s.job.reject(s.error ?? e);
          continue;
        }
        await publishing;
        publishing = this.#publishGroup(staged);
        if (group.some((job) => job.after)) {
          await publishing;
          publishing = undefined;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Publishes a committed group in lanes, one per credential: a credential's versions go in order
   * (the bucket must end on the latest), different credentials at the same time (one KV round trip
   * each rather than one after another). A job settles once all of its own changes are in the
   * bucket. A failed publish does not block its lane: later versions of that credential still go.
   */
  async #publishGroup(staged: StagedJob[]): Promise<void> {
    const lanes = new Map<string, Promise<void>>();
    const settled = staged.map(async (s) => {
      if (!s.staged) return s.job.reject(s.error);
      const own = s.staged.changes.map(({ change, row }) => {
        const lane = secretRef(change.namespace, change.name);
        const next = (lanes.get(lane) ?? Promise.resolve()).then(() => this.steps.publish(change, row));
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
}
