import type { StringMatcher } from './envoy-shapes.js';
import type { FieldProblem } from './field-error.js';
import { compileFullMatch, isRoutingError } from './regex.js';

export type StringPredicate = (value: string) => boolean;

/** Compiles an envoy.type.matcher.v3.StringMatcher once; errors come back as data. */
export function compileStringMatcher(
  matcher: StringMatcher | undefined,
  field: string,
): StringPredicate | FieldProblem {
  if (!matcher) return { field, message: 'a string matcher is required' };
  const fold = matcher.ignore_case === true;
  const norm = (s: string) => (fold ? s.toLowerCase() : s);
  if (matcher.exact !== undefined) {
    const want = norm(matcher.exact);
    return (v) => norm(v) === want;
  }
  if (matcher.prefix !== undefined) {
    const want = norm(matcher.prefix);
    return (v) => norm(v).startsWith(want);
  }
  if (matcher.suffix !== undefined) {
    const want = norm(matcher.suffix);
    return (v) => norm(v).endsWith(want);
  }
  if (matcher.contains !== undefined) {
    const want = norm(matcher.contains);
    return (v) => norm(v).includes(want);
  }
  if (matcher.safe_regex !== undefined) {
    const re = compileFullMatch(matcher.safe_regex.regex, `${field}.safe_regex.regex`);
    if (isRoutingError(re)) return re;
    return (v) => re.test(v);
  }
  return { field, message: 'one of exact, prefix, suffix, contains, safe_regex is required' };
}
