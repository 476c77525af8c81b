import { re2Compile } from '#keyway/routing';
import { re2ProgramSize } from './re2/re2-program-size.js';
import { parseRe2 } from './re2/re2-syntax.js';
import { foldOrbit, unicodeClass } from './re2/re2-unicode.js';

/**
 * Envoy refuses a route regex whose RE2 program is larger than `re2.max_program_size.error_level`
 * (100 unless the runtime says otherwise): one such pattern NACKs the whole route configuration a
 * proxy shares with every other team, and large programs are what make RE2 slow (`.{1000}x` costs
 * seconds on a 64 KiB path).
 */
export const ENVOY_MAX_PROGRAM_SIZE = 100;

const cache = new Map<string, string | null>();

/**
 * RE2's program size of a pattern RE2 accepts (re2/re2-program-size.ts); past `limit`, possibly only a
 * lower bound (`atLeast`). A construct the measurement does not follow counts as too large.
 */
export function programSizeOf(
  pattern: string,
  limit = ENVOY_MAX_PROGRAM_SIZE,
): { size: number; atLeast: boolean } {
  try {
    return re2ProgramSize(parseRe2(pattern, unicodeClass, foldOrbit), { limit });
  } catch {
    return { size: Number.POSITIVE_INFINITY, atLeast: true };
  }
}

/**
 * Envoy's safe_regex is RE2: validate with Google's RE2 itself (libs/routing re2Compile, the engine the
 * gateway matches with), so a pattern RE2 refuses is caught here and never NACKed by Envoy, then
 * measure its program size as Envoy does before it accepts one. Returns why Envoy would refuse the
 * pattern, or undefined. Memoized: compiling and measuring cost well under a millisecond.
 */
export function re2Problem(pattern: string): string | undefined {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let problem: string | null = null;
  const compiled = re2Compile(pattern);
  if ('error' in compiled) problem = `"${pattern}" is not a valid RE2 expression: ${compiled.error}`;
  else {
    const { size, atLeast } = programSizeOf(pattern);
    if (size > ENVOY_MAX_PROGRAM_SIZE)
      problem = `"${pattern}" is too large for Envoy: its RE2 program size ${Number.isFinite(size) ? `${atLeast ? 'at least ' : ''}${size}` : '(not measurable)'} is above ${ENVOY_MAX_PROGRAM_SIZE}, the most Envoy accepts (re2.max_program_size.error_level); use fewer or smaller repetitions and classes`;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, problem);
  return problem ?? undefined;
}
