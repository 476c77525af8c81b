import type { Rules } from './rules.js';
import type { RuleProblem } from './violation.js';

/** The rule keys evaluated on lists and maps; `items`, `keys` and `values` are checked per element. */
export const COLLECTION_CHECKED: Record<string, readonly string[]> = {
  repeated: ['min_items', 'max_items', 'unique', 'items'],
  map: ['min_pairs', 'max_pairs', 'keys', 'values'],
};

export function repeatedProblems(items: unknown[], r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (r.min_items !== undefined && items.length < Number(r.min_items))
    out.push({ rule: 'repeated.min_items', message: `needs at least ${r.min_items} items` });
  if (r.max_items !== undefined && items.length > Number(r.max_items))
    out.push({ rule: 'repeated.max_items', message: `allows at most ${r.max_items} items` });
  if (r.unique && new Set(items.map((i) => JSON.stringify(i))).size !== items.length)
    out.push({ rule: 'repeated.unique', message: 'items must be unique' });
  return out;
}

export function mapProblems(pairs: number, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (r.min_pairs !== undefined && pairs < Number(r.min_pairs))
    out.push({ rule: 'map.min_pairs', message: `needs at least ${r.min_pairs} entries` });
  if (r.max_pairs !== undefined && pairs > Number(r.max_pairs))
    out.push({ rule: 'map.max_pairs', message: `allows at most ${r.max_pairs} entries` });
  return out;
}
