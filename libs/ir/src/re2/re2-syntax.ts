/**
 * RE2's syntax as a tree, for measuring a pattern's program size (re2-program-size.ts). Patterns reach
 * this parser only after RE2 itself accepted them (regex.ts), so it reads valid RE2 and does not
 * re-check the grammar; a construct it does not know throws, and the caller treats that as "too big".
 */
export type Re2Node =
  | { op: 'empty' }
  | { op: 'literal'; rune: number; fold: boolean }
  | { op: 'class'; ranges: RuneRange[] }
  | { op: 'anybyte' }
  | { op: 'begin-text' }
  | { op: 'end-text' }
  | { op: 'empty-width' }
  | { op: 'capture'; sub: Re2Node }
  | { op: 'concat'; subs: Re2Node[] }
  | { op: 'alternate'; subs: Re2Node[] }
  | { op: 'star' | 'plus' | 'quest'; sub: Re2Node; greedy: boolean }
  | { op: 'repeat'; sub: Re2Node; min: number; max: number; greedy: boolean };

/** Inclusive code point range. */
export type RuneRange = [number, number];

export interface Re2Flags {
  foldCase: boolean;
  multiLine: boolean;
  dotNewline: boolean;
  /** `(?U)`: `x*` is lazy and `x*?` greedy. */
  ungreedy: boolean;
}

export const MAX_RUNE = 0x10ffff;

/** Resolves `\p{Name}` (without negation) to ranges; `undefined` when the name is unknown. */
export type UnicodeClass = (name: string) => RuneRange[] | undefined;

const PERL: Record<string, RuneRange[]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX: Record<string, RuneRange[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: PERL.w!,
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** Sorted, merged ranges. */
export function normalizeRanges(ranges: readonly RuneRange[]): RuneRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: RuneRange[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function negateRanges(ranges: readonly RuneRange[]): RuneRange[] {
  const out: RuneRange[] = [];
  let next = 0;
  for (const [lo, hi] of normalizeRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

/**
 * A class as RE2's parser leaves it: one rune is a literal, and an ASCII letter with its other case
 * (`[Aa]`, `(?i)a`) a literal that folds case.
 */
function classNode(ranges: RuneRange[]): Re2Node {
  const size = ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  if (size === 1) return { op: 'literal', rune: ranges[0]![0], fold: false };
  if (size === 2) {
    const r = ranges[0]![0];
    const other = ranges.length === 2 ? ranges[1]![0] : ranges[0]![1];
    if (r >= 0x41 && r <= 0x5a && other === r + 0x20) return { op: 'literal', rune: other, fold: true };
  }
  return { op: 'class', ranges };
}

/** Parses an RE2 pattern (already accepted by RE2) with the given case-folding orbit function. */
export function parseRe2(
  pattern: string,
  unicodeClass: UnicodeClass,
  foldOrbit: (ranges: RuneRange[]) => RuneRange[],
): Re2Node {
  const runes = [...pattern].map((c) => c.codePointAt(0)!);
  let pos = 0;
  const peek = (o = 0) => runes[pos + o];
  const ch = (c: string) => c.codePointAt(0)!;
  const fail = (why: string): never => {
    throw new Error(`unsupported RE2 construct at ${pos}: ${why}`);
  };

  const classOf = (ranges: RuneRange[], flags: Re2Flags): Re2Node =>
    classNode(normalizeRanges(flags.foldCase ? foldOrbit(ranges) : ranges));

  function readHex(digits: number): number {
    let v = 0;
    for (let i = 0; i < digits; i++) v = v * 16 + parseInt(String.fromCodePoint(runes[pos++]!), 16);
    return v;
  }

  /** An escape's ranges (a class escape) or a single rune; `pos` is after the backslash. */
  function escape(inClass: boolean): { rune: number } | { ranges: RuneRange[] } | Re2Node {
    const c = runes[pos++];
    if (c === undefined) return fail('trailing backslash');
    const s = String.fromCodePoint(c);
    if (s in PERL || s.toLowerCase() in PERL) {
      const base = PERL[s.toLowerCase()]!;
      return { ranges: s === s.toLowerCase() ? base : negateRanges(base) };
    }
    if (s === 'p' || s === 'P') {
      let name: string;
      if (peek() === ch('{')) {
        const end = runes.indexOf(ch('}'), pos);
        name = String.fromCodePoint(...runes.slice(pos + 1, end));
        pos = end + 1;
      } else name = String.fromCodePoint(runes[pos++]!);
      let negate = s === 'P';
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
      const ranges = name === 'Any' ? [[0, MAX_RUNE] as RuneRange] : unicodeClass(name);
      if (!ranges) return fail(`unknown Unicode class ${name}`);
      return { ranges: negate ? negateRanges(ranges) : ranges };
    }
    if (s === 'x') {
      if (peek() === ch('{')) {
        const end = runes.indexOf(ch('}'), pos);
        const v = parseInt(String.fromCodePoint(...runes.slice(pos + 1, end)), 16);
        pos = end + 1;
        return { rune: v };
      }
      return { rune: readHex(2) };
    }
    if (c >= 0x30 && c <= 0x37) {
      // Octal: \0 or \1-\7 followed by octal digits (RE2 accepts \1.. only as octal when 3 digits long).
      let v = c - 0x30;
      for (let i = 0; i < 2 && peek() !== undefined && peek()! >= 0x30 && peek()! <= 0x37; i++)
        v = v * 8 + (runes[pos++]! - 0x30);
      return { rune: v };
    }
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (s in simple) return { rune: simple[s]! };
    if (!inClass) {
      if (s === 'b' || s === 'B') return { op: 'empty-width' };
      if (s === 'A') return { op: 'begin-text' };
      if (s === 'z') return { op: 'end-text' };
      if (s === 'C') return { op: 'anybyte' };
    }
    if (/[\p{P}\p{S}]/u.test(s) && c < 0x80) return { rune: c };
    return fail(`escape \\${s}`);
  }

  function charClass(flags: Re2Flags): Re2Node {
    // pos is after '['
    let negate = false;
    if (peek() === ch('^')) {
      negate = true;
      pos++;
    }
    const ranges: RuneRange[] = [];
    let first = true;
    while (true) {
      const c = peek();
      if (c === undefined) fail('unterminated class');
      if (c === ch(']') && !first) {
        pos++;
        break;
      }
      first = false;
      if (c === ch('[') && peek(1) === ch(':')) {
        const end = runes.indexOf(ch(']'), pos + 2);
        let name = String.fromCodePoint(...runes.slice(pos + 2, end - 1));
        const neg = name.startsWith('^');
        if (neg) name = name.slice(1);
        const posix = POSIX[name] ?? fail(`POSIX class ${name}`);
        ranges.push(...(neg ? negateRanges(posix) : posix));
        pos = end + 1;
        continue;
      }
      let lo: number;
      pos++;
      if (c === ch('\\')) {
        const e = escape(true);
        if ('ranges' in e) {
          ranges.push(...e.ranges);
          continue;
        }
        if (!('rune' in e)) return fail('escape in class');
        lo = e.rune;
      } else lo = c;
      let hi = lo;
      if (peek() === ch('-') && peek(1) !== undefined && peek(1) !== ch(']')) {
        pos++;
        const d = runes[pos++]!;
        if (d === ch('\\')) {
          const e = escape(true);
          if (!('rune' in e)) return fail('range end');
          hi = e.rune;
        } else hi = d;
      }
      ranges.push([lo, hi]);
    }
    const folded = normalizeRanges(flags.foldCase ? foldOrbit(ranges) : ranges);
    return classNode(negate ? negateRanges(folded) : folded);
  }

  function repetition(): { min: number; max: number; end: number } | undefined {
    // pos at '{'
    let i = pos + 1;
    const num = () => {
      let s = '';
      while (runes[i] !== undefined && runes[i]! >= 0x30 && runes[i]! <= 0x39)
        s += String.fromCodePoint(runes[i++]!);
      return s;
    };
    const a = num();
    if (a === '') return undefined;
    let max = Number(a);
    if (runes[i] === ch(',')) {
      i++;
      const b = num();
      max = b === '' ? -1 : Number(b);
    }
    if (runes[i] !== ch('}')) return undefined;
    return { min: Number(a), max, end: i + 1 };
  }

  function alternation(flags: Re2Flags): Re2Node {
    const subs = [concatenation(flags)];
    while (peek() === ch('|')) {
      pos++;
      subs.push(concatenation(flags));
    }
    return subs.length === 1 ? subs[0]! : { op: 'alternate', subs };
  }

  function concatenation(flags: Re2Flags): Re2Node {
    const items: Re2Node[] = [];
    while (true) {
      const c = peek();
      if (c === undefined || c === ch('|') || c === ch(')')) break;
      if (c === ch('(') && peek(1) === ch('?')) {
        // Flags: (?flags) changes the rest of this group; (?flags:...) a group; (?P<n>...) captures.
        const save = pos;
        pos += 2;
        if (peek() === ch('P') || peek() === ch('<')) {
          const end = runes.indexOf(ch('>'), pos);
          pos = end + 1;
          const sub = alternation({ ...flags });
          pos++;
          items.push(repeatOf({ op: 'capture', sub }, flags));
          continue;
        }
        const next = { ...flags };
        let on = true;
        while (peek() !== ch(')') && peek() !== ch(':')) {
          const f = String.fromCodePoint(runes[pos++]!);
          if (f === '-') on = false;
          else if (f === 'i') next.foldCase = on;
          else if (f === 'm') next.multiLine = on;
          else if (f === 's') next.dotNewline = on;
          else if (f === 'U') next.ungreedy = on;
          else {
            pos = save;
            fail(`flag ${f}`);
          }
        }
        if (peek() === ch(')')) {
          pos++;
          Object.assign(flags, next);
          continue;
        }
        pos++;
        const sub = alternation(next);
        pos++;
        items.push(repeatOf(sub, flags));
        continue;
      }
      pos++;
      let atom: Re2Node;
      if (c === ch('(')) {
        const sub = alternation({ ...flags });
        pos++;
        atom = { op: 'capture', sub };
      } else if (c === ch('.')) {
        atom = {
          op: 'class',
          ranges: flags.dotNewline
            ? [[0, MAX_RUNE]]
            : [
                [0, 9],
                [11, MAX_RUNE],
              ],
        };
      } else if (c === ch('^')) atom = flags.multiLine ? { op: 'empty-width' } : { op: 'begin-text' };
      else if (c === ch('$')) atom = flags.multiLine ? { op: 'empty-width' } : { op: 'end-text' };
      else if (c === ch('[')) atom = charClass(flags);
      else if (c === ch('\\')) {
        if (peek() === ch('Q')) {
          pos++;
          let end = pos;
          while (end < runes.length && !(runes[end] === ch('\\') && runes[end + 1] === ch('E'))) end++;
          for (const r of runes.slice(pos, end)) items.push(literal(r, flags));
          pos = Math.min(end + 2, runes.length);
          continue;
        }
        const e = escape(false);
        atom = 'ranges' in e ? classOf(e.ranges, flags) : 'rune' in e ? literal(e.rune, flags) : e;
      } else atom = literal(c, flags);
      items.push(repeatOf(atom, flags));
    }
    return items.length === 0
      ? { op: 'empty' }
      : items.length === 1
        ? items[0]!
        : { op: 'concat', subs: items };
  }

  function literal(rune: number, flags: Re2Flags): Re2Node {
    if (!flags.foldCase) return { op: 'literal', rune, fold: false };
    return classNode(normalizeRanges(foldOrbit([[rune, rune]])));
  }

  function repeatOf(atom: Re2Node, flags: Re2Flags): Re2Node {
    let node = atom;
    while (true) {
      const c = peek();
      let op: 'star' | 'plus' | 'quest' | undefined;
      let counted: { min: number; max: number; end: number } | undefined;
      if (c === ch('*')) op = 'star';
      else if (c === ch('+')) op = 'plus';
      else if (c === ch('?')) op = 'quest';
      else if (c === ch('{')) {
        counted = repetition();
        if (!counted) return node;
        pos = counted.end - 1;
      } else return node;
      pos++;
      let greedy = !flags.ungreedy;
      if (peek() === ch('?')) {
        pos++;
        greedy = !greedy;
      }
      if (counted) {
        node = { op: 'repeat', sub: node, min: counted.min, max: counted.max, greedy };
        continue;
      }
      // RE2's parser squashes stacked operators of the same greediness: ** is *, and *+, +?, ?* ... are *.
      if ((node.op === 'star' || node.op === 'plus' || node.op === 'quest') && node.greedy === greedy)
        node = node.op === op! ? node : { op: 'star', sub: node.sub, greedy };
      else node = { op: op!, sub: node, greedy };
    }
  }

  const tree = alternation({ foldCase: false, multiLine: false, dotNewline: false, ungreedy: false });
  if (pos !== runes.length) fail('unbalanced parenthesis');
  return tree;
}
