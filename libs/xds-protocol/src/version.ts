import { createHash } from 'node:crypto';

/**
 * A version for a set of resources, derived from their content: sha256 over the sorted
 * `name`/`version` pairs, first 16 hex characters. A restarted replica computes the same
 * version for the same content, so versions never go backwards.
 */
export function contentVersion(entries: Iterable<readonly [name: string, version: string]>): string {
  const pairs = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let text = '';
  for (const [name, version] of pairs) text += `${name}\n${version}\n`;
  // Thousands of streams subscribed to the same secrets ask for the same version at once.
  const known = memo.get(text);
  if (known) return known;
  const version = createHash('sha256').update(text).digest('hex').slice(0, 16);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, version);
  return version;
}

const MEMO_LIMIT = 4096;
/** Only short inputs are worth remembering; the memo stays small either way. */
const memo = {
  map: new Map<string, string>(),
  get(text: string): string | undefined {
    return text.length <= 1024 ? this.map.get(text) : undefined;
  },
  set(text: string, version: string): void {
    if (text.length <= 1024) this.map.set(text, version);
  },
  clear(): void {
    this.map.clear();
  },
  get size(): number {
    return this.map.size;
  },
};
