import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVOY_MAX_PROGRAM_SIZE, programSizeOf, re2Problem } from '../regex.js';

/**
 * RE2's own program sizes (libre2 20220601, scripts/re2-oracle) for route-like patterns, RE2's
 * documentation cases and a seeded random corpus. The measurement must never be below RE2's (a
 * pattern Envoy refuses must never pass), and is exact where the Unicode tables agree.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const cases = fs
  .readFileSync(path.join(here, 'testdata/program-size.tsv'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const tab = line.indexOf('\t');
    return { real: Number(line.slice(0, tab)), pattern: line.slice(tab + 1) };
  });

describe('RE2 program size, against RE2 itself', () => {
  it.each(cases.filter((c) => !c.pattern.includes('\\p')))('$pattern: $real', ({ pattern, real }) => {
    const { size } = programSizeOf(pattern, 100_000);
    // Exact, or at most 3 above where RE2 factors alternations further than the measurement follows.
    expect(size).toBeGreaterThanOrEqual(real);
    expect(size).toBeLessThanOrEqual(real + 3);
  });

  it.each(cases.filter((c) => c.pattern.includes('\\p')))(
    '$pattern: $real (Unicode classes: never below; the JavaScript engine’s tables are newer)',
    ({ pattern, real }) => {
      const { size } = programSizeOf(pattern, 100_000);
      expect(size).toBeGreaterThanOrEqual(real);
      expect(size).toBeLessThanOrEqual(real * 1.1 + 3);
    },
  );

  it('passes, at Envoy’s limit, every pattern of the corpus RE2 sizes within it (bar the ones measured up to 3 above)', () => {
    const within = cases.filter((c) => c.real <= ENVOY_MAX_PROGRAM_SIZE - 3 && !c.pattern.includes('\\p'));
    expect(within.length).toBeGreaterThan(300);
    expect(within.filter((c) => re2Problem(c.pattern) !== undefined)).toEqual([]);
  });

  it('is exact for most of the corpus', () => {
    const exact = cases.filter((c) => programSizeOf(c.pattern, 100_000).size === c.real).length;
    expect(exact / cases.length).toBeGreaterThan(0.85);
  });
});

describe("re2Problem: what Envoy's RE2 refuses", () => {
  it.each([
    ['x{96}', undefined],
    ['x{97}', /program size 101 is above 100/],
    ['/api/v[0-9]+/users/[^/]+', undefined],
    ['x{100}', /program size 104 is above 100/],
    ['/status/.{1000}x', /program size at least 1\d{3} is above 100/],
    ['\\pL', /program size 1\d{3} is above 100/],
    ['/(?=ahead)', /is not a valid RE2 expression: .*invalid perl operator/],
  ])('%s', (pattern, want) => {
    const problem = re2Problem(pattern);
    if (want === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(want);
  });

  it('does not compile what is certainly past the limit: it reports a lower bound', () => {
    expect(ENVOY_MAX_PROGRAM_SIZE).toBe(100);
    expect(programSizeOf('(?:.{1000}){1000}')).toEqual({ size: 1_000_000, atLeast: true });
  });
});
