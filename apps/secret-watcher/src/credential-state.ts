import {
  assembleCredentials,
  credentialFamily,
  type ChainedAuditRow,
  type Resolution,
  type SecretValidation,
} from '#keyway/secrets';
import type { SourceName } from './config.js';
import type { ServedState } from './credential-changes.js';
import type { SourcePrecedence } from './precedence.js';
import type { SecretEntry } from './secret-entry.js';

/** `<namespace>/<name>`: how Secrets and credentials are keyed in memory and in log lines. */
export const secretRef = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Every source's copy of one Secret. */
export type HeldCopies = ReadonlyMap<SourceName, SecretEntry>;

const NO_COPIES: HeldCopies = new Map();

/**
 * The reconciler's memory, three maps that only the one writer changes:
 * - held: per Secret, each source's validated copy (the loser of a precedence contest is kept, so
 *   removing the winner falls back to it);
 * - heads: per credential, its latest audit row, rejections included: the next row chains to it;
 * - served: per namespace and credential, what the bucket last got according to the audit log.
 *
 * `checkpoint` takes a cheap copy so a group commit that fails for good can undo its staging. It
 * copies only the outer maps of held and heads, which is enough because their values are never
 * changed in place (a Secret's copies are replaced by a new map, see `hold`); served's per-namespace
 * maps are changed in place, so those are copied too.
 */
export class CredentialState {
  readonly #held = new Map<string, HeldCopies>();
  readonly #heads = new Map<string, ChainedAuditRow>();
  readonly #served = new Map<string, Map<string, ServedState>>();

  constructor(private readonly precedence: SourcePrecedence) {}

  /** After a restart: the chain heads and what was served, both read back from the audit log. */
  load(heads: readonly ChainedAuditRow[], served: readonly ChainedAuditRow[]): void {
    for (const row of heads) this.#heads.set(secretRef(row.namespace, row.name), row);
    for (const row of served) this.#setServed(row);
  }

  copiesOf(namespace: string, name: string): HeldCopies {
    return this.#held.get(secretRef(namespace, name)) ?? NO_COPIES;
  }

  /** Replaces a Secret's copies; no copies left forgets the Secret. */
  hold(namespace: string, name: string, copies: HeldCopies): void {
    const key = secretRef(namespace, name);
    if (copies.size) this.#held.set(key, copies);
    else this.#held.delete(key);
  }

  /** The copy that is served: the one from the source with the highest precedence. */
  winner(namespace: string, name: string): SecretEntry | undefined {
    return this.precedence.pick(this.copiesOf(namespace, name).values()).winner;
  }

  /** What the namespace's Secrets resolve to now (each Secret through its winning copy). */
  resolve(namespace: string): Resolution {
    const validations = [];
    for (const [key, copies] of this.#held) {
      if (!key.startsWith(`${namespace}/`)) continue;
      const { winner } = this.precedence.pick(copies.values());
      if (winner) validations.push(winner.validation);
    }
    return assembleCredentials(validations);
  }

  /**
   * What a change to Secret `name` resolves to: only the Secrets that decide the credentials it can
   * change (libs/secrets credentialFamily), so an apply costs the same in a namespace of ten Secrets
   * as in one of ten thousand. `sdsNames` are the credentials the resolution speaks for.
   */
  resolveFamily(namespace: string, name: string): { resolution: Resolution; sdsNames: ReadonlySet<string> } {
    const family = credentialFamily(name);
    const validations: SecretValidation[] = [];
    for (const secret of family.secrets) {
      const { winner } = this.precedence.pick(this.copiesOf(namespace, secret).values());
      if (winner) validations.push(winner.validation);
    }
    return { resolution: assembleCredentials(validations), sdsNames: new Set(family.sdsNames) };
  }

  head(namespace: string, name: string): ChainedAuditRow | undefined {
    return this.#heads.get(secretRef(namespace, name));
  }

  served(namespace: string, name: string): ServedState | undefined {
    return this.#served.get(namespace)?.get(name);
  }

  servedIn(namespace: string): ReadonlyMap<string, ServedState> {
    return this.#served.get(namespace) ?? new Map();
  }

  /** Every namespace with something served: the ones a restart may have to publish again. */
  servedByNamespace(): Iterable<[string, ReadonlyMap<string, ServedState>]> {
    return this.#served;
  }

  /** Every namespace with something held or served, sorted: the ones a full settle visits. */
  namespaces(): string[] {
    const all = new Set<string>([
      ...this.#served.keys(),
      ...[...this.#held.keys()].map((k) => k.split('/')[0]),
    ]);
    return [...all].sort();
  }

  /** Staged rows take effect in memory: each advances its chain, and all but rejections are served. */
  record(rows: readonly ChainedAuditRow[]): void {
    for (const row of rows) {
      this.#heads.set(secretRef(row.namespace, row.name), row);
      if (row.action !== 'rejected') this.#setServed(row);
    }
  }

  /** The winning copy of every Secret, sorted by namespace and name, for get and list. */
  secrets(
    namespace?: string,
  ): Array<{ entry: SecretEntry; namespace: string; name: string; served?: ServedState }> {
    const out = [];
    for (const [key, copies] of [...this.#held].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [ns, name] = key.split('/');
      if (namespace && ns !== namespace) continue;
      const { winner } = this.precedence.pick(copies.values());
      if (winner) out.push({ entry: winner, namespace: ns, name, served: this.served(ns, name) });
    }
    return out;
  }

  /** Copies the state; the function returned puts that copy back. */
  checkpoint(): () => void {
    const held = new Map(this.#held);
    const heads = new Map(this.#heads);
    const served = new Map([...this.#served].map(([k, v]) => [k, new Map(v)]));
    return () => {
      for (const [target, saved] of [
        [this.#held, held],
        [this.#heads, heads],
        [this.#served, served],
      ] as Array<[Map<string, unknown>, Map<string, unknown>]>) {
        target.clear();
        for (const [k, v] of saved) target.set(k, v);
      }
    };
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
}
