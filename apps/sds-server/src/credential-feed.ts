import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import {
  credentialAssociatedData,
  credentialMaterial,
  parseCredentialKey,
  validatePayload,
  type CredentialRecord,
} from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import type { ResourceStore } from './resource-store.js';
import { credentialSecrets, sdsNames } from './secret-resource.js';

export type CredentialEvent =
  { kind: 'put'; key: string; value: CredentialRecord } | { kind: 'delete'; key: string };

/**
 * Credentials bucket -> served Secrets. A deleted credential keeps serving until its
 * `serveUntil` (the grace period), then goes; a record that cannot be opened is logged and the
 * last good version keeps serving. Revisions only grow: a record older than one already taken (an
 * old record put back into the bucket) is ignored, and an envelope opens only under the revision it
 * was sealed for.
 */
export class CredentialFeed {
  readonly #graceTimers = new Map<string, NodeJS.Timeout>();
  readonly #revisions = new Map<string, number>();

  constructor(
    private readonly store: ResourceStore,
    private readonly keyring: Keyring,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  apply(event: CredentialEvent, at = performance.now()): void {
    const { namespace, name } = event.kind === 'put' ? event.value : parseCredentialKey(event.key);
    const key = `${namespace}/${name}`;
    if (event.kind === 'put') {
      const newest = this.#revisions.get(key) ?? 0;
      if (event.value.revision < newest) {
        this.logger.warn(
          { credential: key, revision: event.value.revision },
          `credential record older than revision ${newest} already served: ignored`,
        );
        return;
      }
      this.#revisions.set(key, event.value.revision);
    }
    this.#clearGrace(key);
    if (event.kind === 'delete') {
      this.store.deleteSecret(namespace, sdsNames(namespace, name), at);
      return;
    }
    const record = event.value;
    if (record.state === 'deleted') {
      const until = record.serveUntil ? Date.parse(record.serveUntil) : NaN;
      const left = until - this.now();
      if (!(left > 0)) {
        this.store.deleteSecret(namespace, sdsNames(namespace, name), at);
        return;
      }
      // Still in its grace period: what is served stays; it goes when the period ends.
      const timer = setTimeout(
        () => {
          this.#graceTimers.delete(key);
          this.store.deleteSecret(namespace, sdsNames(namespace, name));
        },
        Math.min(left, 2 ** 31 - 1),
      );
      timer.unref();
      this.#graceTimers.set(key, timer);
      return;
    }
    try {
      const opened = this.keyring.open(
        record.material,
        credentialAssociatedData(namespace, name, record.revision),
      );
      const material = validatePayload(credentialMaterial, JSON.parse(opened.toString('utf8')));
      if (!material.ok) throw new Error(material.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      this.store.putSecret(namespace, credentialSecrets(record, material.value), at);
    } catch (e) {
      this.logger.error(
        { credential: key, revision: record.revision, error: e instanceof Error ? e.message : String(e) },
        'credential not served: cannot open or encode it; the last good version keeps serving',
      );
    }
  }

  #clearGrace(key: string): void {
    const t = this.#graceTimers.get(key);
    if (t) clearTimeout(t);
    this.#graceTimers.delete(key);
  }

  close(): void {
    for (const t of this.#graceTimers.values()) clearTimeout(t);
    this.#graceTimers.clear();
  }
}
