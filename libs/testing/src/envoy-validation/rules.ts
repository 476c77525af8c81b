import type protobuf from 'protobufjs';

export type Rules = Record<string, any>;

/** Deep merge of the `(validate.rules)` entries protobufjs keeps per option line in `parsedOptions`. */
function merge(into: Rules, from: Rules): Rules {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object')
      merge(into[k], v);
    else if (Array.isArray(v) && Array.isArray(into[k])) into[k] = [...into[k], ...v];
    else into[k] = v;
  }
  return into;
}

const cache = new WeakMap<protobuf.Field, Rules | null>();

/** The field's protoc-gen-validate rules, as `{ string: { min_len: 1 } }`, or undefined. */
export function fieldRules(field: protobuf.Field): Rules | undefined {
  const hit = cache.get(field);
  if (hit !== undefined) return hit ?? undefined;
  let rules: Rules | null = null;
  const parsed = (field as unknown as { parsedOptions?: Record<string, unknown>[] }).parsedOptions ?? [];
  for (const entry of parsed) {
    const r = entry['(validate.rules)'];
    if (r && typeof r === 'object') rules = merge(rules ?? {}, r as Rules);
  }
  cache.set(field, rules);
  return rules ?? undefined;
}

export function oneofRequired(oneof: protobuf.OneOf): boolean {
  return oneof.options?.['(validate.required)'] === true;
}

export function messageDisabled(type: protobuf.Type): boolean {
  return type.options?.['(validate.disabled)'] === true || type.options?.['(validate.ignored)'] === true;
}

/** Envoy warns on deprecated fields and refuses them once they are fatal by default; keyway uses none. */
export function fieldDeprecated(field: protobuf.Field): boolean {
  return field.options?.deprecated === true;
}
