import type { ChainedAuditRow } from '#keyway/secrets';
import type { CredentialChange } from './credential-changes.js';
import type { CredentialSink } from './credential-publisher.js';
import type { CredentialState } from './credential-state.js';
import type { OutageRetry } from './outage-retry.js';

/**
 * When a credential deleted at `deletedAt` stops being served. Istio serves a deleted secret for
 * ever; dropping it at once would break the walkthrough's delete-then-create rotation, whose
 * connections must not drop between the two steps. A grace period covers that rotation (the
 * create re-activates the credential long before it ends) and still stops serving a credential
 * that is really gone.
 */
export function serveUntil(deletedAt: string, graceSeconds: number): string {
  return new Date(new Date(deletedAt).getTime() + graceSeconds * 1000).toISOString();
}

/**
 * What the credentials bucket is told about audited versions (the bucket itself is behind
 * `CredentialSink`, see credential-publisher.ts). A new version is put; a deletion marks the record
 * deleted with `serveUntil` and keeps its sealed material, so proxies keep serving it. Every write
 * is retried until it lands.
 */
export class BucketPublication {
  constructor(
    private readonly sink: CredentialSink,
    private readonly retry: OutageRetry,
    private readonly deleteGraceSeconds: number,
  ) {}

  /** Publishes one committed change, under the revision its audit row gave it. */
  publish(change: CredentialChange, row: ChainedAuditRow): Promise<void> {
    return this.retry.bucket((attempt) =>
      change.action === 'deleted'
        ? this.sink.markDeleted(
            change.namespace,
            change.name,
            row.revision,
            serveUntil(row.recordedAt, this.deleteGraceSeconds),
          )
        : // A fresh revision cannot be in the bucket yet, so the first attempt skips the read; a
          // retry checks first, since the failed attempt may have landed.
          this.sink.publish(change.credential, row.revision, attempt > 0),
    );
  }

  /**
   * After a restart: a version audited but never published (a crash between commit and put) is
   * published now. What the bucket already holds is left alone: the sink compares before writing.
   */
  async republishServed(state: Pick<CredentialState, 'servedByNamespace' | 'resolve'>): Promise<void> {
    for (const [ns, states] of state.servedByNamespace()) {
      const resolution = state.resolve(ns);
      for (const s of states.values()) {
        if (s.state === 'deleted') {
          await this.retry.bucket(() =>
            this.sink.markDeleted(ns, s.name, s.revision, serveUntil(s.recordedAt, this.deleteGraceSeconds)),
          );
          continue;
        }
        // The audit log keeps hashes, not material: the material comes from the Secrets held now,
        // which the settle that runs before this has brought in line with what was audited.
        const c = resolution.credentials.find((x) => x.sdsName === s.name && x.contentHash === s.contentHash);
        if (c) await this.retry.bucket(() => this.sink.publish(c, s.revision));
      }
    }
  }
}
