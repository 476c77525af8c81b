import type { Re2Pattern } from './regex.js';
import type { CompiledRouteMatch } from './route-match.js';

/** A compiled path rewrite: prefix_rewrite over the matched prefix, or regex_rewrite over the path. */
export type PathRewrite =
  { kind: 'prefix'; replacement: string } | { kind: 'regex'; pattern: Re2Pattern; substitution: string };

/**
 * Applies a rewrite to the path (query excluded). prefix_rewrite replaces what the route matched:
 * the prefix, or the whole path for path and safe_regex routes (as Envoy does); regex_rewrite
 * replaces every match of its pattern.
 */
export function rewritePath(
  rewrite: PathRewrite | undefined,
  match: CompiledRouteMatch,
  pathOnly: string,
): string {
  if (!rewrite) return pathOnly;
  if (rewrite.kind === 'regex') {
    rewrite.pattern.lastIndex = 0;
    return pathOnly.replace(rewrite.pattern, rewrite.substitution);
  }
  const matchedLength =
    match.kind === 'path' || match.kind === 'regex' ? pathOnly.length : match.literal.length;
  return rewrite.replacement + pathOnly.slice(matchedLength);
}
