// Test-only: in-memory stand-ins for the reconciler's two seams (Postgres and the KV bucket), and
// Secrets to feed it.
import {
  decodeSecret,
  type ChainedAuditRow,
  type DecodedSecret,
  type ResolvedCredential,
} from '#keyway/secrets';
import type { Issuer } from '#keyway/pki';
import type { ApiSecretChange, AuditStore, StoredApiSecret } from '../audit-log.js';
import type { CredentialSink, PublishedHead } from '../credential-publisher.js';
import { leafFor } from './harness.js';

/** An in-memory audit store that can be taken down like a stopped Postgres. */
export class MemoryStore implements AuditStore {
  committed: ChainedAuditRow[] = [];
  apiChanges: ApiSecretChange[] = [];
  down = false;
  async commit(rows: readonly ChainedAuditRow[], api: readonly ApiSecretChange[] = []): Promise<void> {
    if (this.down)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    this.committed.push(...rows);
    this.apiChanges.push(...api);
  }
  async heads() {
    const m = new Map<string, ChainedAuditRow>();
    for (const r of this.committed) m.set(`${r.namespace}/${r.name}`, r);
    return [...m.values()];
  }
  async served() {
    const m = new Map<string, ChainedAuditRow>();
    for (const r of this.committed) if (r.action !== 'rejected') m.set(`${r.namespace}/${r.name}`, r);
    return [...m.values()];
  }
  async history() {
    return [];
  }
  async version() {
    return undefined;
  }
  async rows() {
    return this.committed;
  }
  async *rowPages() {
    yield await this.rows();
  }
  async apiSecrets(): Promise<StoredApiSecret[]> {
    return [];
  }
}

/** Records every bucket write as `<name>@<revision> <state>`, in order. */
export class MemorySink implements CredentialSink {
  log: string[] = [];
  /** The `checkCurrent` flag of every `publish`, in order. */
  checks: boolean[] = [];
  heads = new Map<string, PublishedHead>();
  async head(ns: string, name: string) {
    return this.heads.get(`${ns}/${name}`);
  }
  async publish(c: ResolvedCredential, revision: number, checkCurrent = true) {
    this.log.push(`${c.sdsName}@${revision} active`);
    this.checks.push(checkCurrent);
    this.heads.set(`${c.namespace}/${c.sdsName}`, { revision, contentHash: c.contentHash, state: 'active' });
    return true;
  }
  async markDeleted(ns: string, name: string, revision: number, serveUntil: string) {
    this.log.push(`${name}@${revision} deleted until ${serveUntil}`);
    return true;
  }
}

/** A Secret in namespace `ns` (or `namespace`) from string data. */
export function testSecret(name: string, data: Record<string, string>, namespace = 'ns'): DecodedSecret {
  const r = decodeSecret({ metadata: { name, namespace }, stringData: data });
  if (!r.ok) throw new Error('bad test secret');
  return r.secret;
}

/** A TLS Secret with a fresh leaf from `ca`. */
export function tlsSecret(name: string, ca: Issuer, namespace = 'ns'): DecodedSecret {
  const leaf = leafFor(ca);
  return testSecret(name, { 'tls.crt': leaf.cert, 'tls.key': leaf.key }, namespace);
}
