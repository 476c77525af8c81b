/** One resource as a stream serves it: its content version and its Envoy protobuf encoding. */
export interface ResourceEntry {
  readonly version: string;
  readonly bytes: Buffer;
}

export type ResourceMap = ReadonlyMap<string, ResourceEntry>;

/**
 * What one stream may see, by type URL. The stream re-reads it whenever it is told that names
 * changed, so a view is state, never a queue of deltas.
 */
export interface CacheView {
  resources(typeUrl: string): ResourceMap;
}

/** Names changed per type URL (updated, added or deleted), as one batch. */
export type ChangeBatch = ReadonlyMap<string, ReadonlySet<string>>;

const EMPTY: ResourceMap = new Map();

/**
 * An in-memory CacheView. `put` with content equal to what is held changes nothing and reports
 * no change, so republishing an identical value never pushes.
 */
export class ResourceCache implements CacheView {
  readonly #types = new Map<string, Map<string, ResourceEntry>>();

  resources(typeUrl: string): ResourceMap {
    return this.#types.get(typeUrl) ?? EMPTY;
  }

  get(typeUrl: string, name: string): ResourceEntry | undefined {
    return this.#types.get(typeUrl)?.get(name);
  }

  /** Returns true when the held content changed. */
  put(typeUrl: string, name: string, entry: ResourceEntry): boolean {
    let byName = this.#types.get(typeUrl);
    if (!byName) {
      byName = new Map();
      this.#types.set(typeUrl, byName);
    }
    const held = byName.get(name);
    if (held && held.version === entry.version && held.bytes.equals(entry.bytes)) return false;
    byName.set(name, entry);
    return true;
  }

  /** Returns true when something was removed. */
  delete(typeUrl: string, name: string): boolean {
    const byName = this.#types.get(typeUrl);
    if (!byName?.delete(name)) return false;
    if (byName.size === 0) this.#types.delete(typeUrl);
    return true;
  }

  get size(): number {
    let n = 0;
    for (const byName of this.#types.values()) n += byName.size;
    return n;
  }
}

/** Collects changed names into a ChangeBatch. */
export class ChangeBatchBuilder {
  readonly #batch = new Map<string, Set<string>>();

  add(typeUrl: string, name: string): this {
    let names = this.#batch.get(typeUrl);
    if (!names) {
      names = new Set();
      this.#batch.set(typeUrl, names);
    }
    names.add(name);
    return this;
  }

  merge(batch: ChangeBatch): this {
    for (const [typeUrl, names] of batch) for (const name of names) this.add(typeUrl, name);
    return this;
  }

  get empty(): boolean {
    return this.#batch.size === 0;
  }

  build(): ChangeBatch {
    return new Map([...this.#batch].map(([typeUrl, names]) => [typeUrl, new Set(names)]));
  }
}
