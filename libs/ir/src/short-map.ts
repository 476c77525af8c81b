/** Past this many entries a ShortMap builds a real Map. */
const SCAN_LIMIT = 8;

/**
 * A map for the many tiny lookups of a build (a route table usually resolves one or two routes):
 * a linear scan over a short list while it is short, a Map once it grows, so that one table holding
 * every host of a port stays linear overall and 10,000 small tables do not cost 10,000 Maps.
 * Keys and values sit interleaved in one array sized by doubling from two entries: an array grown
 * by `push` reserves sixteen slots at once, which at 10,000 tables is most of what a build allocates.
 */
export class ShortMap<K, V> {
  private slots: unknown[] | undefined;
  private count = 0;
  private index?: Map<K, V>;

  private find(key: K): number {
    const slots = this.slots;
    for (let i = 0; i < this.count; i++) if (slots![2 * i] === key) return i;
    return -1;
  }

  get(key: K): V | undefined {
    if (this.index) return this.index.get(key);
    const i = this.find(key);
    return i < 0 ? undefined : (this.slots![2 * i + 1] as V);
  }

  has(key: K): boolean {
    return this.index ? this.index.has(key) : this.find(key) >= 0;
  }

  set(key: K, value: V): void {
    if (this.index) {
      this.index.set(key, value);
      return;
    }
    const i = this.find(key);
    if (i >= 0) {
      this.slots![2 * i + 1] = value;
      return;
    }
    if (this.count === SCAN_LIMIT) {
      const index = new Map<K, V>();
      for (let j = 0; j < this.count; j++) index.set(this.slots![2 * j] as K, this.slots![2 * j + 1] as V);
      index.set(key, value);
      this.index = index;
      this.slots = undefined;
      return;
    }
    if (!this.slots || this.slots.length === 2 * this.count) {
      const grown = new Array<unknown>(this.slots ? this.slots.length * 2 : 4);
      for (let j = 0; j < 2 * this.count; j++) grown[j] = this.slots![j];
      this.slots = grown;
    }
    this.slots[2 * this.count] = key;
    this.slots[2 * this.count + 1] = value;
    this.count += 1;
  }

  get size(): number {
    return this.index ? this.index.size : this.count;
  }

  /** In insertion order, without the iterator objects a `for...of` over entries allocates. */
  forEach(fn: (value: V, key: K) => void): void {
    if (this.index) {
      this.index.forEach(fn);
      return;
    }
    for (let i = 0; i < this.count; i++) fn(this.slots![2 * i + 1] as V, this.slots![2 * i] as K);
  }

  /** Keys in insertion order, in an array of exactly that length. */
  keyList(): K[] {
    if (this.index) return [...this.index.keys()];
    const out = new Array<K>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots![2 * i] as K;
    return out;
  }
}
