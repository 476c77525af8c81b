import { COLLECTION_CHECKED } from './collection-rules.js';
import { ENUM_CHECKED } from './enum-rules.js';
import type { Rules } from './rules.js';
import { SCALAR_CHECKED } from './scalar-rules.js';
import { WELL_KNOWN_CHECKED } from './well-known-rules.js';

const CHECKED: Record<string, readonly string[]> = {
  ...SCALAR_CHECKED,
  ...WELL_KNOWN_CHECKED,
  ...COLLECTION_CHECKED,
  enum: ENUM_CHECKED,
  message: ['required', 'skip'],
};
/** Keys whose value is itself a set of rules, applied to each element. */
const NESTED = new Set(['repeated.items', 'map.keys', 'map.values']);

/**
 * The rules on a field this checker does not evaluate, as `string.uuid` or `map.keys.string.uuid`:
 * a rule the protos gain later is then reported, never passed silently.
 */
export function uncheckedRules(rules: Rules, prefix = ''): string[] {
  const out: string[] = [];
  for (const [kind, r] of Object.entries(rules)) {
    const keys = CHECKED[kind];
    if (!keys) {
      out.push(prefix + kind);
      continue;
    }
    for (const [key, value] of Object.entries((r ?? {}) as Rules)) {
      const name = `${kind}.${key}`;
      if (!keys.includes(key)) out.push(prefix + name);
      else if (NESTED.has(name)) out.push(...uncheckedRules(value as Rules, `${prefix}${name}.`));
    }
  }
  return out;
}
