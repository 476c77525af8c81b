import { MAX_RUNE, type RuneRange } from './re2-syntax.js';

/**
 * The Unicode data RE2's classes need, taken from the JavaScript engine's own tables (V8's ICU):
 * `\p{Greek}`, `\pL` and the case-folding orbits of `(?i)`. Both are computed once, on first use.
 */
const classes = new Map<string, RuneRange[] | undefined>();

function rangesWhere(test: (rune: number) => boolean): RuneRange[] {
  const out: RuneRange[] = [];
  let start = -1;
  for (let r = 0; r <= MAX_RUNE + 1; r++) {
    const inside = r <= MAX_RUNE && !(r >= 0xd800 && r <= 0xdfff) && test(r);
    if (inside && start < 0) start = r;
    if (!inside && start >= 0) {
      out.push([start, r - 1]);
      start = -1;
    }
  }
  return out;
}

/** `\p{Name}`: a general category (`L`, `Lu`) or a script (`Greek`), as RE2 names them. */
export function unicodeClass(name: string): RuneRange[] | undefined {
  if (classes.has(name)) return classes.get(name);
  let re: RegExp | undefined;
  for (const source of [`^\\p{${name}}$`, `^\\p{Script=${name}}$`]) {
    try {
      re = new RegExp(source, 'u');
      break;
    } catch {
      // not this kind of name
    }
  }
  const ranges = re ? rangesWhere((r) => re.test(String.fromCodePoint(r))) : undefined;
  classes.set(name, ranges);
  return ranges;
}

let orbits: Map<number, number[]> | undefined;

const sameFold = (a: string, b: string) =>
  new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}$`, 'iu').test(b);

/** Runes that case-fold to others, each with its whole orbit (`k`: `K`, `k`, KELVIN SIGN). */
function foldOrbits(): Map<number, number[]> {
  if (orbits) return orbits;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    if (!parent.has(Math.min(ra, rb))) parent.set(Math.min(ra, rb), Math.min(ra, rb));
  };
  for (let r = 0; r <= MAX_RUNE; r++) {
    if (r >= 0xd800 && r <= 0xdfff) continue;
    const s = String.fromCodePoint(r);
    for (const other of [s.toLowerCase(), s.toUpperCase()]) {
      const o = other.codePointAt(0)!;
      // Only simple case folding counts (as in RE2 and in JavaScript's /iu): I and dotless i do not fold.
      if (other.length === String.fromCodePoint(o).length && o !== r && sameFold(s, other)) union(r, o);
    }
  }
  const groups = new Map<number, number[]>();
  for (const r of parent.keys()) {
    const root = find(r);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  }
  orbits = new Map();
  for (const members of groups.values())
    if (members.length > 1) for (const m of members) orbits.set(m, members);
  return orbits;
}

/** The ranges with every rune's case-folding orbit added (what `(?i)` makes of a class). */
export function foldOrbit(ranges: RuneRange[]): RuneRange[] {
  const all = foldOrbits();
  const out = [...ranges];
  for (const [rune, members] of all)
    if (ranges.some(([lo, hi]) => lo <= rune && rune <= hi)) for (const m of members) out.push([m, m]);
  return out;
}
