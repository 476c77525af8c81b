import type { Rules } from './rules.js';
import { STRING_FORMATS, wellKnownRegex } from './string-formats.js';
import type { RuleProblem } from './violation.js';

/** The `string` rule keys evaluated here; any other is reported as unchecked. */
export const STRING_CHECKED = [
  'const',
  'len',
  'min_len',
  'max_len',
  'min_bytes',
  'max_bytes',
  'prefix',
  'suffix',
  'contains',
  'not_contains',
  'pattern',
  'in',
  'not_in',
  'well_known_regex',
  'strict',
  'ignore_empty',
  ...Object.keys(STRING_FORMATS),
];

/** Problems of one string against its `string` rules; lengths count code points, as PGV does. */
export function stringProblems(s: string, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  const fail = (key: string, message: string) => out.push({ rule: `string.${key}`, message });
  const len = [...s].length;
  const bytes = Buffer.byteLength(s);
  if (r.const !== undefined && s !== r.const) fail('const', `must equal "${r.const}"`);
  if (r.len !== undefined && len !== Number(r.len)) fail('len', `length must be ${r.len}`);
  if (r.min_len !== undefined && len < Number(r.min_len))
    fail('min_len', `length must be at least ${r.min_len}`);
  if (r.max_len !== undefined && len > Number(r.max_len))
    fail('max_len', `length must be at most ${r.max_len}`);
  if (r.min_bytes !== undefined && bytes < Number(r.min_bytes))
    fail('min_bytes', `must be at least ${r.min_bytes} bytes`);
  if (r.max_bytes !== undefined && bytes > Number(r.max_bytes))
    fail('max_bytes', `must be at most ${r.max_bytes} bytes`);
  if (r.prefix !== undefined && !s.startsWith(r.prefix)) fail('prefix', `must start with "${r.prefix}"`);
  if (r.suffix !== undefined && !s.endsWith(r.suffix)) fail('suffix', `must end with "${r.suffix}"`);
  if (r.contains !== undefined && !s.includes(r.contains)) fail('contains', `must contain "${r.contains}"`);
  if (r.not_contains !== undefined && s.includes(r.not_contains))
    fail('not_contains', `must not contain "${r.not_contains}"`);
  if (r.pattern !== undefined && !new RegExp(r.pattern, 'u').test(s))
    fail('pattern', `must match /${r.pattern}/`);
  if (Array.isArray(r.in) && !r.in.includes(s)) fail('in', `must be one of ${r.in.join(', ')}`);
  if (Array.isArray(r.not_in) && r.not_in.includes(s))
    fail('not_in', `must not be one of ${r.not_in.join(', ')}`);
  if (r.well_known_regex !== undefined) {
    const re = wellKnownRegex(String(r.well_known_regex), r.strict !== false);
    if (!re)
      out.push({
        rule: 'unchecked',
        message: `string.well_known_regex ${r.well_known_regex} is not checked`,
      });
    else if (!re.test(s)) fail('well_known_regex', `must be a valid ${r.well_known_regex}`);
  }
  for (const [format, valid] of Object.entries(STRING_FORMATS))
    if (r[format] === true && !valid(s)) fail(format, `must be a valid ${format}`);
  return out;
}
