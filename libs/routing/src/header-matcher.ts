import type { HeaderMatcher, QueryParameterMatcher } from './envoy-shapes.js';
import type { FieldProblem } from './field-error.js';
import { compileFullMatch, isRoutingError } from './regex.js';
import { compileStringMatcher, type StringPredicate } from './string-matcher.js';

export type HeaderPredicate = (header: (name: string) => string | undefined) => boolean;

/**
 * envoy.config.route.v3.HeaderMatcher. An absent header fails every value matcher, so with
 * invert_match it passes (what Istio's `withoutHeaders` expects); present_match tests presence.
 */
export function compileHeaderMatcher(m: HeaderMatcher, field: string): HeaderPredicate | FieldProblem {
  if (!m.name) return { field: `${field}.name`, message: 'header name is required' };
  const name = m.name.toLowerCase();
  const invert = m.invert_match === true;
  if (m.present_match !== undefined) {
    const wantPresent = m.present_match;
    return (header) => ((header(name) !== undefined) === wantPresent) !== invert;
  }
  const value = compileValue(m, field);
  if (isRoutingError(value)) return value;
  const missingAsEmpty = m.treat_missing_header_as_empty === true;
  return (header) => {
    let actual = header(name);
    if (actual === undefined) {
      if (!missingAsEmpty) return invert;
      actual = '';
    }
    return value(actual) !== invert;
  };
}

function compileValue(m: HeaderMatcher, field: string): StringPredicate | FieldProblem {
  if (m.string_match) return compileStringMatcher(m.string_match, `${field}.string_match`);
  if (m.exact_match !== undefined) return (v) => v === m.exact_match;
  if (m.prefix_match !== undefined) return (v) => v.startsWith(m.prefix_match!);
  if (m.suffix_match !== undefined) return (v) => v.endsWith(m.suffix_match!);
  if (m.contains_match !== undefined) return (v) => v.includes(m.contains_match!);
  if (m.safe_regex_match) {
    const re = compileFullMatch(m.safe_regex_match.regex, `${field}.safe_regex_match.regex`);
    if (isRoutingError(re)) return re;
    return (v) => re.test(v);
  }
  if (m.range_match) {
    const start = Number(m.range_match.start ?? 0);
    const end = Number(m.range_match.end ?? 0);
    // Envoy's range is [start, end) over a signed integer value.
    return (v) => /^-?\d+$/.test(v) && Number(v) >= start && Number(v) < end;
  }
  // A matcher with only a name matches any present header (Envoy treats it as present_match).
  return () => true;
}

export type QueryPredicate = (params: Map<string, string>) => boolean;

/** envoy.config.route.v3.QueryParameterMatcher: present_match or a string matcher on the first value. */
export function compileQueryMatcher(m: QueryParameterMatcher, field: string): QueryPredicate | FieldProblem {
  if (!m.name) return { field: `${field}.name`, message: 'query parameter name is required' };
  const name = m.name;
  if (m.present_match !== undefined) return (params) => params.has(name) === m.present_match;
  if (!m.string_match) return (params) => params.has(name);
  const value = compileStringMatcher(m.string_match, `${field}.string_match`);
  if (isRoutingError(value)) return value;
  return (params) => {
    const actual = params.get(name);
    return actual !== undefined && value(actual);
  };
}
