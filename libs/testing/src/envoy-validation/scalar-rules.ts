import type { Rules } from './rules.js';
import { STRING_CHECKED, stringProblems } from './string-rules.js';
import type { RuleProblem } from './violation.js';

const NUMERIC_KINDS = [
  'uint32',
  'uint64',
  'int32',
  'int64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'double',
  'float',
];
const NUMBER_CHECKED = ['const', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'ignore_empty'];

/** The scalar rule keys evaluated here, by rule kind. */
export const SCALAR_CHECKED: Record<string, readonly string[]> = {
  ...Object.fromEntries(NUMERIC_KINDS.map((kind) => [kind, NUMBER_CHECKED])),
  string: STRING_CHECKED,
  bool: ['const'],
  bytes: ['len', 'min_len', 'max_len', 'ignore_empty'],
};

/** 64-bit values decode as Long; rule values parse as numbers or strings. */
function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || (v instanceof Uint8Array && v.length === 0);
}

function numberProblems(kind: string, n: number, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  const fail = (key: string, message: string) => out.push({ rule: `${kind}.${key}`, message });
  if (r.const !== undefined && n !== toNumber(r.const)) fail('const', `must equal ${r.const}`);
  if (r.gt !== undefined && !(n > toNumber(r.gt))) fail('gt', `must be greater than ${r.gt}`);
  if (r.gte !== undefined && !(n >= toNumber(r.gte))) fail('gte', `must be at least ${r.gte}`);
  if (r.lt !== undefined && !(n < toNumber(r.lt))) fail('lt', `must be less than ${r.lt}`);
  if (r.lte !== undefined && !(n <= toNumber(r.lte))) fail('lte', `must be at most ${r.lte}`);
  if (Array.isArray(r.in) && !r.in.map(toNumber).includes(n)) fail('in', `must be one of ${r.in.join(', ')}`);
  if (Array.isArray(r.not_in) && r.not_in.map(toNumber).includes(n))
    fail('not_in', `must not be one of ${r.not_in.join(', ')}`);
  return out;
}

function bytesProblems(b: Uint8Array, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (r.len !== undefined && b.length !== toNumber(r.len))
    out.push({ rule: 'bytes.len', message: `must be ${r.len} bytes` });
  if (r.min_len !== undefined && b.length < toNumber(r.min_len))
    out.push({ rule: 'bytes.min_len', message: `must be at least ${r.min_len} bytes` });
  if (r.max_len !== undefined && b.length > toNumber(r.max_len))
    out.push({ rule: 'bytes.max_len', message: `must be at most ${r.max_len} bytes` });
  return out;
}

/**
 * Problems of one scalar value (a field, a wrapper's `value`, a list item or a map key) against its
 * rules; enums, messages and the rules on lists and maps are the caller's.
 */
export function scalarProblems(value: unknown, rules: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  for (const [kind, r] of Object.entries(rules)) {
    // ignore_empty: the default value (unset) skips the field's rules.
    if (r?.ignore_empty && isEmpty(value)) continue;
    if (kind === 'string') out.push(...stringProblems(String(value ?? ''), r));
    else if (NUMERIC_KINDS.includes(kind)) out.push(...numberProblems(kind, toNumber(value ?? 0), r));
    else if (kind === 'bool' && r.const !== undefined && (value ?? false) !== r.const)
      out.push({ rule: 'bool.const', message: `must be ${r.const}` });
    else if (kind === 'bytes')
      out.push(...bytesProblems(value instanceof Uint8Array ? value : new Uint8Array(), r));
  }
  return out;
}
