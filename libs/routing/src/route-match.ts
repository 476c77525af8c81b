import type { RouteMatch } from './envoy-shapes.js';
import type { FieldProblem } from './field-error.js';
import {
  compileHeaderMatcher,
  compileQueryMatcher,
  type HeaderPredicate,
  type QueryPredicate,
} from './header-matcher.js';
import { compileFullMatch, isRoutingError } from './regex.js';

/** How the path matched, which prefix_rewrite needs: the part of the path it replaces. */
export type PathMatchKind = 'prefix' | 'path' | 'regex' | 'path-separated-prefix';

export interface MatchInput {
  pathOnly: string;
  query: Map<string, string>;
  header(name: string): string | undefined;
}

export interface CompiledRouteMatch {
  kind: PathMatchKind;
  /** The literal prefix or path, as configured (for prefix_rewrite). */
  literal: string;
  caseSensitive: boolean;
  test(input: MatchInput): boolean;
}

/** Compiles a RouteMatch once; every regex is checked here so a bad one NACKs the whole config. */
export function compileRouteMatch(
  match: RouteMatch | undefined,
  field: string,
): CompiledRouteMatch | FieldProblem[] {
  if (!match) return [{ field, message: 'match is required' }];
  const errors: FieldProblem[] = [];
  for (const unsupported of [
    'connect_matcher',
    'path_match_policy',
    'tls_context',
    'dynamic_metadata',
    'runtime_fraction',
  ] as const) {
    if (match[unsupported] !== undefined)
      errors.push({ field: `${field}.${unsupported}`, message: 'not supported by keyway gateway' });
  }
  const caseSensitive = match.case_sensitive?.value !== false;
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  let kind: PathMatchKind;
  let literal = '';
  let pathTest: (p: string) => boolean;
  if (match.prefix !== undefined) {
    kind = 'prefix';
    literal = match.prefix;
    const want = fold(literal);
    pathTest = (p) => fold(p).startsWith(want);
  } else if (match.path !== undefined) {
    kind = 'path';
    literal = match.path;
    const want = fold(literal);
    pathTest = (p) => fold(p) === want;
  } else if (match.path_separated_prefix !== undefined) {
    kind = 'path-separated-prefix';
    literal = match.path_separated_prefix;
    const want = fold(literal);
    pathTest = (p) => {
      const f = fold(p);
      return f === want || f.startsWith(want + '/');
    };
  } else if (match.safe_regex !== undefined) {
    kind = 'regex';
    const re = compileFullMatch(match.safe_regex.regex, `${field}.safe_regex.regex`);
    if (isRoutingError(re)) {
      errors.push(re);
      pathTest = () => false;
    } else {
      pathTest = (p) => re.test(p);
    }
  } else {
    errors.push({ field, message: 'one of prefix, path, safe_regex, path_separated_prefix is required' });
    return errors;
  }
  const headers: HeaderPredicate[] = [];
  (match.headers ?? []).forEach((h, i) => {
    const p = compileHeaderMatcher(h, `${field}.headers[${i}]`);
    if (isRoutingError(p)) errors.push(p);
    else headers.push(p);
  });
  const queries: QueryPredicate[] = [];
  (match.query_parameters ?? []).forEach((q, i) => {
    const p = compileQueryMatcher(q, `${field}.query_parameters[${i}]`);
    if (isRoutingError(p)) errors.push(p);
    else queries.push(p);
  });
  const grpc = match.grpc !== undefined;
  if (errors.length > 0) return errors;
  return {
    kind,
    literal,
    caseSensitive,
    test(input) {
      if (!pathTest(input.pathOnly)) return false;
      if (grpc && !(input.header('content-type') ?? '').startsWith('application/grpc')) return false;
      return headers.every((h) => h(input.header)) && queries.every((q) => q(input.query));
    },
  };
}
