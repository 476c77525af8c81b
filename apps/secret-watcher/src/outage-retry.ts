import type { Logger } from '#keyway/observability';
import { AuditSinkUnwritable } from '#keyway/audit-export';
import { isTransientDatabaseError } from './audit-log.js';

export interface OutageRetryOptions {
  logger: Logger;
  now: () => Date;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** 50 ms, doubling, at most 2 s: quick after a blip, without hammering a dependency that is down. */
export const backoffMs = (attempt: number): number => Math.min(2000, 50 * 2 ** Math.min(attempt, 6));

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Carries the reconciler's writes through outages of Postgres (the audit log) and NATS (the
 * credentials bucket), retrying for ever rather than failing: a version is served only once
 * audited, so giving up would lose it, and what is already served stays served meanwhile. Each
 * outage is remembered from its first failure so readiness can say since when new versions wait.
 * Once stopped, a failure ends the retry so shutdown is not held up by a dependency that is down.
 */
export class OutageRetry {
  #stopped = false;
  #auditDownSince?: Date;
  #auditError?: string;
  #bucketDownSince?: Date;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OutageRetryOptions) {
    this.#sleep = options.sleep ?? wait;
  }

  /**
   * Runs a read or write of the audit log until it succeeds. Only what `isTransientDatabaseError`
   * calls transient (connection refused or lost, SQLSTATE classes 08, 57P, 53) is retried: any
   * other error would fail again the same way.
   */
  async auditLog<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await work();
        if (this.#auditDownSince)
          this.options.logger.info({ since: this.#auditDownSince }, 'audit log reachable again');
        this.#auditDownSince = undefined;
        return result;
      } catch (e) {
        // A required audit sink that cannot be written holds versions back like Postgres down.
        if (!(isTransientDatabaseError(e) || e instanceof AuditSinkUnwritable) || this.#stopped) throw e;
        if (!this.#auditDownSince) {
          this.#auditDownSince = this.options.now();
          this.options.logger.error(
            { err: (e as Error).message },
            'audit log unavailable: new versions wait',
          );
        }
        this.#auditError = (e as Error).message;
        await this.#sleep(backoffMs(attempt));
      }
    }
  }

  /**
   * Runs a write to the credentials bucket until it succeeds, whatever the error: the version is
   * already audited, so it must reach the bucket. `attempt` lets a retry first check whether the
   * failed attempt landed after all.
   */
  async bucket(work: (attempt: number) => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work(attempt);
        this.#bucketDownSince = undefined;
        return;
      } catch (e) {
        if (this.#stopped) throw e;
        this.#bucketDownSince ??= this.options.now();
        this.options.logger.warn({ err: (e as Error).message }, 'publish failed; retrying');
        await this.#sleep(backoffMs(attempt));
      }
    }
  }

  /** Readiness: not ready while either dependency is down; the audit log is named first. */
  health(): { ok: boolean; detail?: string } {
    if (this.#auditDownSince) {
      return {
        ok: false,
        detail: `audit log unavailable since ${this.#auditDownSince.toISOString()}: new versions wait (${this.#auditError})`,
      };
    }
    if (this.#bucketDownSince)
      return {
        ok: false,
        detail: `credentials bucket unavailable since ${this.#bucketDownSince.toISOString()}`,
      };
    return { ok: true };
  }

  /** From now on a failure is final. */
  stop(): void {
    this.#stopped = true;
  }
}
