import re2 from 're2-wasm';

const cache = new Map<string, string | null>();

/**
 * Envoy's safe_regex is RE2: validate with Google's RE2 itself (the `re2-wasm` build that
 * @grpc/grpc-js-xds uses), so a pattern RE2 refuses is caught here and never NACKed by Envoy.
 * Returns the reason a pattern is invalid, or undefined. Memoized: compiling costs ~0.3 ms.
 */
export function re2Problem(pattern: string): string | undefined {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let problem: string | null = null;
  try {
    new re2.RE2(pattern, 'u');
  } catch (e) {
    problem = (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, problem);
  return problem ?? undefined;
}
