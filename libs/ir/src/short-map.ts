/** Past this many entries a ShortMap builds a real Map. */
const SCAN_LIMIT = 8;

/**
 * A map for the many tiny lookups of a build (a route table usually resolves one or two routes):
 * a linear scan over a short list while it is short, a Map once it grows, so that one table holding
 * every host of a port stays linear overall and 10,000 small tables do not cost 10,000 Maps.
 */
export class ShortMap<K, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];
  private index?: Map<K, V>;

  get(key: K): V | undefined {
    if (this.index) return this.index.get(key);
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  has(key: K): boolean {
    return this.index ? this.index.has(key) : this.keys.includes(key);
  }

  set(key: K, value: V): void {
    if (this.index) {
      this.index.set(key, value);
      return;
    }
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.values[i] = value;
      return;
    }
    this.keys.push(key);
    this.values.push(value);
    if (this.keys.length > SCAN_LIMIT) {
      this.index = new Map();
      for (let j = 0; j < this.keys.length; j++) this.index.set(this.keys[j], this.values[j]);
    }
  }

  get size(): number {
    return this.index ? this.index.size : this.keys.length;
  }

  /** In insertion order, without the iterator objects a `for...of` over entries allocates. */
  forEach(fn: (value: V, key: K) => void): void {
    if (this.index) this.index.forEach(fn);
    else for (let i = 0; i < this.keys.length; i++) fn(this.values[i], this.keys[i]);
  }

  /** Keys in insertion order, in an array of exactly that length. */
  keyList(): K[] {
    return this.index ? [...this.index.keys()] : this.keys.slice();
  }
}
