import type { KV } from '@nats-io/kv';
import {
  credentialAssociatedData,
  credentialKey,
  credentialRecord,
  type CredentialRecord,
} from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import { TypedBucket } from '#keyway/messaging';
import { materialJson, type ResolvedCredential } from '#keyway/secrets';

/** What the bucket says about a credential, in clear: enough to tell whether a put is needed. */
export interface PublishedHead {
  revision: number;
  contentHash: string;
  state: 'active' | 'deleted';
  serveUntil?: string;
  /** False for an active record whose envelope does not open under its revision: it is sealed again. */
  sealedForRevision?: boolean;
}

/** The KV seam: the reconciler publishes through this, tests can watch the real bucket. */
export interface CredentialSink {
  head(namespace: string, sdsName: string): Promise<PublishedHead | undefined>;
  /**
   * Puts the version. With `checkCurrent` (restart, retry) it first reads the bucket and returns false
   * when it already holds exactly this revision and state; a fresh revision skips that round trip.
   */
  publish(credential: ResolvedCredential, revision: number, checkCurrent?: boolean): Promise<boolean>;
  /** Marks the credential deleted, keeping its sealed material so proxies serve it until `serveUntil`. */
  markDeleted(namespace: string, sdsName: string, revision: number, serveUntil: string): Promise<boolean>;
}

export class KvCredentialSink implements CredentialSink {
  readonly #bucket: TypedBucket<typeof credentialRecord>;

  constructor(
    private readonly kv: KV,
    private readonly keyring: Keyring,
  ) {
    this.#bucket = new TypedBucket(kv, credentialRecord);
  }

  async head(namespace: string, sdsName: string): Promise<PublishedHead | undefined> {
    const r = await this.#bucket.get(credentialKey(namespace, sdsName));
    return (
      r && {
        revision: r.revision,
        contentHash: r.contentHash,
        state: r.state,
        serveUntil: r.serveUntil,
        sealedForRevision: r.state !== 'active' || this.#opens(r),
      }
    );
  }

  /** Whether an active record's envelope opens under its own revision (records from before revisions were bound do not). */
  #opens(r: CredentialRecord): boolean {
    try {
      this.keyring.open(r.material, credentialAssociatedData(r.namespace, r.name, r.revision));
      return true;
    } catch {
      return false;
    }
  }

  async publish(c: ResolvedCredential, revision: number, checkCurrent = true): Promise<boolean> {
    const current = checkCurrent ? await this.head(c.namespace, c.sdsName) : undefined;
    if (
      current &&
      current.revision === revision &&
      current.contentHash === c.contentHash &&
      current.state === 'active' &&
      current.sealedForRevision !== false
    ) {
      return false;
    }
    const head = c.leaf ?? c.cas[0];
    const record: CredentialRecord = {
      schemaVersion: 1,
      namespace: c.namespace,
      name: c.sdsName,
      kind: c.kind,
      revision,
      contentHash: c.contentHash,
      state: 'active',
      ...(c.leaf ? { leafFingerprint: c.leaf.fingerprint } : {}),
      caFingerprints: c.cas.map((ca) => ca.fingerprint),
      ...(head ? { notAfter: head.notAfter } : {}),
      material: this.keyring.seal(
        materialJson(c.material),
        credentialAssociatedData(c.namespace, c.sdsName, revision),
      ),
    };
    // A plain KV put: TypedBucket.put would re-read the key to compare bytes, and sealed bytes always differ.
    await this.kv.put(credentialKey(c.namespace, c.sdsName), JSON.stringify(credentialRecord.parse(record)));
    return true;
  }

  async markDeleted(
    namespace: string,
    sdsName: string,
    revision: number,
    serveUntil: string,
  ): Promise<boolean> {
    const key = credentialKey(namespace, sdsName);
    const current = await this.#bucket.get(key);
    if (!current) return false;
    if (current.state === 'deleted' && current.revision === revision && current.serveUntil === serveUntil)
      return false;
    await this.#bucket.put(key, { ...current, revision, state: 'deleted', serveUntil });
    return true;
  }
}
