import type { RoutingError } from './field-error.js';

/**
 * Envoy's safe_regex is RE2 and must match the whole input. JavaScript's engine accepts almost every
 * RE2 pattern with the same meaning; what RE2 refuses (backreferences, lookaround) is refused here
 * too, so a pattern Envoy would NACK is NACKed by keyway's gateway as well.
 */
export function compileFullMatch(regex: string | undefined, field: string): RegExp | RoutingError {
  if (regex === undefined || regex === '') return { field, message: 'regex is required' };
  if (/\\[1-9]|\(\?<?[=!]/.test(regex))
    return { field, message: 'backreferences and lookaround are not RE2' };
  try {
    return new RegExp(`^(?:${regex})$`);
  } catch (e) {
    return { field, message: `invalid regex: ${(e as Error).message}` };
  }
}

/** For regex_rewrite: the pattern is searched, every match replaced, as RE2::GlobalReplace does. */
export function compileGlobal(regex: string | undefined, field: string): RegExp | RoutingError {
  const full = compileFullMatch(regex, field);
  if (!(full instanceof RegExp)) return full;
  return new RegExp(regex!, 'g');
}

export function isRoutingError(value: unknown): value is RoutingError {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

/** RE2 substitutions write `\1`; JavaScript's replace wants `$1`. */
export function re2Substitution(substitution: string): string {
  return substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}
