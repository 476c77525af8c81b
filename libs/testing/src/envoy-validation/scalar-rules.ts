import type { Rules } from './rules.js';

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

const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
/** Strict header value: no control characters other than horizontal tab. */
const HEADER_VALUE = {
  test: (s: string): boolean => ![...s].some((c) => isControl(c.charCodeAt(0)) && c !== '\t'),
};
/** Non-strict header rules (`strict: false`) only forbid NUL, CR and LF. */
const NO_CRLF_NUL = {
  test: (s: string): boolean => !/[\r\n]/.test(s) && !s.includes(String.fromCharCode(0)),
};

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

/** Problems of one scalar value against its rules (string, number, bool, bytes, enum handled by the caller). */
export function scalarProblems(value: unknown, rules: Rules): string[] {
  const out: string[] = [];
  if (rules.string) {
    const s = String(value ?? '');
    const r = rules.string;
    const len = [...s].length;
    const bytes = Buffer.byteLength(s);
    if (r.const !== undefined && s !== r.const) out.push(`must equal "${r.const}"`);
    if (r.len !== undefined && len !== toNumber(r.len)) out.push(`length must be ${r.len}`);
    if (r.min_len !== undefined && len < toNumber(r.min_len))
      out.push(`length must be at least ${r.min_len}`);
    if (r.max_len !== undefined && len > toNumber(r.max_len)) out.push(`length must be at most ${r.max_len}`);
    if (r.min_bytes !== undefined && bytes < toNumber(r.min_bytes))
      out.push(`must be at least ${r.min_bytes} bytes`);
    if (r.max_bytes !== undefined && bytes > toNumber(r.max_bytes))
      out.push(`must be at most ${r.max_bytes} bytes`);
    if (r.prefix !== undefined && !s.startsWith(r.prefix)) out.push(`must start with "${r.prefix}"`);
    if (r.suffix !== undefined && !s.endsWith(r.suffix)) out.push(`must end with "${r.suffix}"`);
    if (r.contains !== undefined && !s.includes(r.contains)) out.push(`must contain "${r.contains}"`);
    if (r.pattern !== undefined && !new RegExp(r.pattern, 'u').test(s)) out.push(`must match /${r.pattern}/`);
    if (Array.isArray(r.in) && !r.in.includes(s)) out.push(`must be one of ${r.in.join(', ')}`);
    if (Array.isArray(r.not_in) && r.not_in.includes(s))
      out.push(`must not be one of ${r.not_in.join(', ')}`);
    if (r.well_known_regex !== undefined) {
      const strict = r.strict !== false;
      const re =
        r.well_known_regex === 'HTTP_HEADER_NAME'
          ? strict
            ? HEADER_NAME
            : NO_CRLF_NUL
          : strict
            ? HEADER_VALUE
            : NO_CRLF_NUL;
      // An empty value is checked by min_len, not by the header regex.
      if (s !== '' && !re.test(s)) out.push(`must be a valid ${r.well_known_regex}`);
    }
    if (r.address === true || r.hostname === true || r.ip === true) {
      if (s !== '' && /\s/.test(s)) out.push('must be an address without spaces');
    }
  }
  for (const kind of NUMERIC_KINDS) {
    const r = rules[kind];
    if (!r) continue;
    const n = toNumber(value ?? 0);
    if (r.const !== undefined && n !== toNumber(r.const)) out.push(`must equal ${r.const}`);
    if (r.gt !== undefined && !(n > toNumber(r.gt))) out.push(`must be greater than ${r.gt}`);
    if (r.gte !== undefined && !(n >= toNumber(r.gte))) out.push(`must be at least ${r.gte}`);
    if (r.lt !== undefined && !(n < toNumber(r.lt))) out.push(`must be less than ${r.lt}`);
    if (r.lte !== undefined && !(n <= toNumber(r.lte))) out.push(`must be at most ${r.lte}`);
    if (Array.isArray(r.in) && !r.in.map(toNumber).includes(n)) out.push(`must be one of ${r.in.join(', ')}`);
    if (Array.isArray(r.not_in) && r.not_in.map(toNumber).includes(n))
      out.push(`must not be one of ${r.not_in.join(', ')}`);
  }
  if (rules.bytes) {
    const b = value instanceof Uint8Array ? value.length : 0;
    if (rules.bytes.min_len !== undefined && b < toNumber(rules.bytes.min_len))
      out.push(`must be at least ${rules.bytes.min_len} bytes`);
    if (rules.bytes.max_len !== undefined && b > toNumber(rules.bytes.max_len))
      out.push(`must be at most ${rules.bytes.max_len} bytes`);
  }
  return out;
}

/** Nanoseconds of a `google.protobuf.Duration`-like value (rule values too). */
export function durationNanos(d: { seconds?: unknown; nanos?: unknown } | undefined): number {
  if (!d) return 0;
  return toNumber(d.seconds ?? 0) * 1e9 + toNumber(d.nanos ?? 0);
}
