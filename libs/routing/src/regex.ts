import re2 from 're2-wasm';
import type { FieldProblem } from './field-error.js';

/** A compiled RE2 pattern: what the data plane needs of it. */
export interface Re2Pattern {
  /** A global pattern's position, reset before each replace (RE2's binding keeps it, as RegExp does). */
  lastIndex: number;
  test(input: string): boolean;
  [Symbol.replace](input: string, replacement: string): string;
}

/**
 * Envoy's safe_regex is RE2 and must match the whole input. The gateway runs every route regex on
 * RE2 itself (Google's RE2 built to wasm, the engine the route-compiler validates with): matching
 * is linear in the input, so no tenant's pattern can stall the shared gateway (V8's backtracking
 * engine took `(a+)+b` on 40 characters to forever), and a pattern means exactly what it means to
 * Envoy and to the compiler (`(?i)` included).
 */
export function compileFullMatch(regex: string | undefined, field: string): Re2Pattern | FieldProblem {
  if (regex === undefined || regex === '') return { field, message: 'regex is required' };
  return compileRe2(`^(?:${regex})$`, '', field);
}

/** For regex_rewrite: the pattern is searched, every match replaced, as RE2::GlobalReplace does. */
export function compileGlobal(regex: string | undefined, field: string): Re2Pattern | FieldProblem {
  if (regex === undefined || regex === '') return { field, message: 'regex is required' };
  return compileRe2(regex, 'g', field);
}

function compileRe2(pattern: string, flags: string, field: string): Re2Pattern | FieldProblem {
  const compiled = re2Compile(pattern, flags);
  return 'error' in compiled ? { field, message: `invalid regex: ${compiled.error}` } : compiled.pattern;
}

/**
 * keyway's one door to RE2 (Google's RE2 built to wasm, as @grpc/grpc-js-xds ships it): the gateway
 * matches with it, and the route-compiler (libs/ir regex.ts) validates with it what Envoy will run.
 * `error` is RE2's own reason, without the wrapper's prefix.
 */
export function re2Compile(pattern: string, flags = ''): { pattern: Re2Pattern } | { error: string } {
  try {
    return { pattern: new re2.RE2(pattern, `u${flags}`) };
  } catch (e) {
    return { error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
}

export function isRoutingError(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

/** RE2 substitutions write `\1`; the replace of RE2's JavaScript binding wants `$1`. */
export function re2Substitution(substitution: string): string {
  return substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}
