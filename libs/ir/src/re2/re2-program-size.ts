import { normalizeRanges, type Re2Node, type RuneRange } from './re2-syntax.js';

/**
 * RE2's "program size" of a pattern, the number Envoy compares with `re2.max_program_size.error_level`
 * (default 100) before it accepts a route regex. RE2's JavaScript build exposes no such number, so this
 * follows what RE2 does to get it (facts from RE2's compiler, written here): simplify repetitions,
 * compile to instructions (UTF-8 byte ranges, with RE2's suffix caching and leading-byte trie for
 * character classes), prefix the unanchored `.*?` loop, then count the flattened program (a list per
 * root; an epsilon reach into another root's list costs one instruction).
 * `libs/ir/src/testdata/re2-program-size.tsv` holds RE2's own counts for a corpus; the spec checks them.
 */

type Op = 'fail' | 'alt' | 'nop' | 'byte' | 'capture' | 'empty' | 'match';

interface Inst {
  op: Op;
  out: number;
  out1: number;
  lo: number;
  hi: number;
  fold: boolean;
}

/** A patch list entry: instruction id and which out (0: out, 1: out1). */
type Patch = [number, 0 | 1];

interface Frag {
  begin: number;
  end: Patch[];
  nullable: boolean;
}

const NO_MATCH: Frag = { begin: 0, end: [], nullable: false };

/** The leaves a program would have at least: past `limit` the pattern is refused without compiling. */
function leafBound(n: Re2Node): number {
  switch (n.op) {
    case 'literal':
      return 4;
    case 'class':
      return 8 * n.ranges.length + 8;
    case 'capture':
      return 2 + leafBound(n.sub);
    case 'concat':
    case 'alternate':
      return n.subs.reduce((a, s) => a + leafBound(s), 0);
    case 'star':
    case 'plus':
    case 'quest':
      return leafBound(n.sub);
    case 'repeat':
      return leafBound(n.sub) * Math.max(1, n.max === -1 ? n.min + 1 : n.max);
    default:
      return 1;
  }
}

/** Leaves certainly in the program (a lower bound): when it exceeds a limit, so does the size. */
function leafFloor(n: Re2Node): number {
  switch (n.op) {
    case 'literal':
      return 1;
    case 'class':
      return n.ranges.length > 0 ? 1 : 0;
    case 'capture':
      return 2 + leafFloor(n.sub);
    case 'concat':
    case 'alternate':
      return n.subs.reduce((a, s) => a + leafFloor(s), 0);
    case 'star':
    case 'plus':
    case 'quest':
      return leafFloor(n.sub);
    case 'repeat':
      return leafFloor(n.sub) * Math.max(1, n.max === -1 ? n.min : n.max);
    default:
      return 0;
  }
}

function utf8(rune: number): number[] {
  return [...Buffer.from(String.fromCodePoint(rune), 'utf8')];
}

const maxRuneOfLength = [0, 0x7f, 0x7ff, 0xffff];

class Compiler {
  readonly insts: Inst[] = [{ op: 'fail', out: 0, out1: 0, lo: 0, hi: 0, fold: false }];
  #cache = new Map<string, number>();
  #rangeBegin = 0;
  #rangeEnd: Patch[] = [];

  alloc(op: Op, out = 0, out1 = 0, lo = 0, hi = 0, fold = false): number {
    this.insts.push({ op, out, out1, lo, hi, fold });
    return this.insts.length - 1;
  }

  patch(list: Patch[], to: number): void {
    for (const [id, which] of list) {
      if (which === 0) this.insts[id]!.out = to;
      else this.insts[id]!.out1 = to;
    }
  }

  nop(): Frag {
    const id = this.alloc('nop');
    return { begin: id, end: [[id, 0]], nullable: true };
  }

  cat(a: Frag, b: Frag): Frag {
    if (a.begin === 0 || b.begin === 0) return NO_MATCH;
    const first = this.insts[a.begin]!;
    // A lone Nop in front is elided, as RE2 does.
    if (first.op === 'nop' && a.end.length === 1 && a.end[0]![0] === a.begin && first.out === 0) {
      this.patch(a.end, b.begin);
      return b;
    }
    this.patch(a.end, b.begin);
    return { begin: a.begin, end: b.end, nullable: a.nullable && b.nullable };
  }

  alt(a: Frag, b: Frag): Frag {
    if (a.begin === 0) return b;
    if (b.begin === 0) return a;
    const id = this.alloc('alt', a.begin, b.begin);
    return { begin: id, end: [...a.end, ...b.end], nullable: a.nullable || b.nullable };
  }

  plus(a: Frag): Frag {
    const id = this.alloc('alt', a.begin, 0);
    this.patch(a.end, id);
    return { begin: a.begin, end: [[id, 1]], nullable: a.nullable };
  }

  quest(a: Frag): Frag {
    if (a.begin === 0) return this.nop();
    const id = this.alloc('alt', a.begin, 0);
    return { begin: id, end: [[id, 1], ...a.end], nullable: true };
  }

  star(a: Frag): Frag {
    // A nullable body needs the loop the other way around (RE2: x* = (x+)? then).
    if (a.nullable) return this.quest(this.plus(a));
    const id = this.alloc('alt', a.begin, 0);
    this.patch(a.end, id);
    return { begin: id, end: [[id, 1]], nullable: true };
  }

  byteRange(lo: number, hi: number, fold: boolean): Frag {
    const id = this.alloc('byte', 0, 0, lo, hi, fold);
    return { begin: id, end: [[id, 0]], nullable: false };
  }

  capture(a: Frag): Frag {
    if (a.begin === 0) return NO_MATCH;
    const open = this.alloc('capture', a.begin);
    const close = this.alloc('capture');
    this.patch(a.end, close);
    return { begin: open, end: [[close, 0]], nullable: a.nullable };
  }

  emptyWidth(): Frag {
    const id = this.alloc('empty');
    return { begin: id, end: [[id, 0]], nullable: true };
  }

  // Character classes, as RE2 compiles them in forward UTF-8 mode.

  #uncachedSuffix(lo: number, hi: number, fold: boolean, next: number): number {
    const id = this.alloc('byte', next, 0, lo, hi, fold);
    if (next === 0) this.#rangeEnd.push([id, 0]);
    return id;
  }

  #cachedSuffix(lo: number, hi: number, fold: boolean, next: number): number {
    const key = `${lo},${hi},${fold},${next}`;
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    const id = this.#uncachedSuffix(lo, hi, fold, next);
    this.#cache.set(key, id);
    return id;
  }

  #isCached(id: number): boolean {
    const i = this.insts[id]!;
    return this.#cache.get(`${i.lo},${i.hi},${i.fold},${i.out}`) === id;
  }

  #sameRange(a: number, b: number): boolean {
    const x = this.insts[a]!;
    const y = this.insts[b]!;
    return x.op === 'byte' && y.op === 'byte' && x.lo === y.lo && x.hi === y.hi && x.fold === y.fold;
  }

  /** Where `id` shares its leading byte range with the trie at `root`: [holder, which] or undefined. */
  #findByteRange(root: number, id: number): { holder: number; which: -1 | 0 | 1 } | undefined {
    const r = this.insts[root]!;
    if (r.op === 'byte') return this.#sameRange(root, id) ? { holder: root, which: -1 } : undefined;
    if (r.op === 'alt' && this.#sameRange(r.out1, id)) return { holder: root, which: 1 };
    return undefined;
  }

  #addSuffixRecursive(root: number, id: number): number {
    const found = this.#findByteRange(root, id);
    if (!found) return this.alloc('alt', root, id);
    let br =
      found.which === -1
        ? root
        : found.which === 1
          ? this.insts[found.holder]!.out1
          : this.insts[found.holder]!.out;
    if (this.#isCached(br)) {
      const b = this.insts[br]!;
      const clone = this.alloc('byte', b.out, 0, b.lo, b.hi, b.fold);
      br = clone;
      if (found.which === -1) root = br;
      else if (found.which === 1) this.insts[found.holder]!.out1 = br;
      else this.insts[found.holder]!.out = br;
    }
    let out = this.insts[id]!.out;
    if (!this.#isCached(id)) {
      // RE2 frees the just-allocated head instead of leaving it unreachable.
      this.insts.pop();
      this.#rangeEnd = this.#rangeEnd.filter(([p]) => p !== id);
    }
    out = this.#addSuffixRecursive(this.insts[br]!.out, out);
    this.insts[br]!.out = out;
    return root;
  }

  #addSuffix(id: number): void {
    if (this.#rangeBegin === 0) {
      this.#rangeBegin = id;
      return;
    }
    this.#rangeBegin = this.#addSuffixRecursive(this.#rangeBegin, id);
  }

  #add80To10ffff(): void {
    const cont1 = this.#uncachedSuffix(0x80, 0xbf, false, 0);
    this.#addSuffix(this.#uncachedSuffix(0xc2, 0xdf, false, cont1));
    const cont2 = this.#uncachedSuffix(0x80, 0xbf, false, cont1);
    this.#addSuffix(this.#uncachedSuffix(0xe0, 0xef, false, cont2));
    const cont3 = this.#uncachedSuffix(0x80, 0xbf, false, cont2);
    this.#addSuffix(this.#uncachedSuffix(0xf0, 0xf4, false, cont3));
  }

  #addRuneRange(lo: number, hi: number, fold: boolean): void {
    if (lo > hi) return;
    if (lo === 0x80 && hi === 0x10ffff) return this.#add80To10ffff();
    for (let i = 1; i < 4; i++) {
      const max = maxRuneOfLength[i]!;
      if (lo <= max && max < hi) {
        this.#addRuneRange(lo, max, fold);
        this.#addRuneRange(max + 1, hi, fold);
        return;
      }
    }
    if (hi < 0x80) return this.#addSuffix(this.#uncachedSuffix(lo, hi, fold, 0));
    for (let i = 1; i < 4; i++) {
      const m = (1 << (6 * i)) - 1;
      if ((lo & ~m) !== (hi & ~m)) {
        if ((lo & m) !== 0) {
          this.#addRuneRange(lo, lo | m, fold);
          this.#addRuneRange((lo | m) + 1, hi, fold);
          return;
        }
        if ((hi & m) !== m) {
          this.#addRuneRange(lo, (hi & ~m) - 1, fold);
          this.#addRuneRange(hi & ~m, hi, fold);
          return;
        }
      }
    }
    const ulo = utf8(lo);
    const uhi = utf8(hi);
    let id = 0;
    for (let i = ulo.length - 1; i >= 0; i--) {
      // Forward mode caches the last byte, and middle bytes that are ranges.
      if (i === ulo.length - 1 || (ulo[i]! < uhi[i]! && i !== 0))
        id = this.#cachedSuffix(ulo[i]!, uhi[i]!, false, id);
      else id = this.#uncachedSuffix(ulo[i]!, uhi[i]!, false, id);
    }
    this.#addSuffix(id);
  }

  charClass(ranges: readonly RuneRange[]): Frag {
    if (ranges.length === 0) return NO_MATCH;
    this.#cache.clear();
    this.#rangeBegin = 0;
    this.#rangeEnd = [];
    // ASCII case folding: a class that treats A-Z as a-z compiles a-z with the fold flag, A-Z not at all.
    const has = (r: number) => ranges.some(([lo, hi]) => lo <= r && r <= hi);
    let foldsAscii = true;
    for (let c = 0x61; c <= 0x7a && foldsAscii; c++) if (has(c) !== has(c - 0x20)) foldsAscii = false;
    for (const [lo, hi] of ranges) {
      if (foldsAscii && 0x41 <= lo && hi <= 0x5a) continue;
      let fold = foldsAscii;
      if ((lo <= 0x41 && 0x7a <= hi) || hi < 0x41 || 0x7a < lo || (0x5a < lo && hi < 0x61)) fold = false;
      this.#addRuneRange(lo, hi, fold);
    }
    return { begin: this.#rangeBegin, end: this.#rangeEnd, nullable: false };
  }
}

type Repeat = 'star' | 'plus' | 'quest';

/** RE2's Star/Plus/Quest constructors squash a repeat of a repeat of the same greediness. */
function repeatNode(op: Repeat, sub: Re2Node, greedy: boolean): Re2Node {
  if ((sub.op === 'star' || sub.op === 'plus' || sub.op === 'quest') && sub.greedy === greedy)
    return sub.op === op || sub.op === 'star' ? sub : { op: 'star', sub: sub.sub, greedy };
  return { op, sub, greedy };
}

/** RE2's simplification of counted repetition (`x{2,5}` is `xx(x(x(x)?)?)?`). */
function simplify(n: Re2Node): Re2Node {
  switch (n.op) {
    case 'capture':
      return { op: 'capture', sub: simplify(n.sub) };
    case 'concat':
    case 'alternate':
      return { op: n.op, subs: n.subs.map(simplify) };
    case 'star':
    case 'plus':
    case 'quest': {
      // Simplifying an operator squashes only the same operator (the parser squashed the rest).
      const sub = simplify(n.sub);
      return sub.op === n.op && sub.greedy === n.greedy ? sub : { op: n.op, sub, greedy: n.greedy };
    }
    case 'repeat': {
      const x = simplify(n.sub);
      const g = n.greedy;
      const { min, max } = n;
      if (max === -1) {
        if (min === 0) return repeatNode('star', x, g);
        if (min === 1) return repeatNode('plus', x, g);
        return { op: 'concat', subs: [...Array<Re2Node>(min - 1).fill(x), repeatNode('plus', x, g)] };
      }
      if (min === 0 && max === 0) return { op: 'empty' };
      if (min === 1 && max === 1) return x;
      const parts: Re2Node[] = Array<Re2Node>(min).fill(x);
      if (max > min) {
        let suffix = repeatNode('quest', x, g);
        for (let i = min + 1; i < max; i++)
          suffix = repeatNode('quest', { op: 'concat', subs: [x, suffix] }, g);
        parts.push(suffix);
      }
      return parts.length === 1 ? parts[0]! : { op: 'concat', subs: parts };
    }
    default:
      return n;
  }
}

/**
 * RE2's parser merges an alternation's runs of single characters and classes into one class
 * (`a|b|[cd]` is `[a-d]`). Its other factorings (common prefixes) only make programs smaller, so
 * without them this count can be above RE2's, never below.
 */
function factor(n: Re2Node): Re2Node {
  switch (n.op) {
    case 'capture':
      return { op: 'capture', sub: factor(n.sub) };
    case 'concat':
      return { op: 'concat', subs: n.subs.map(factor) };
    case 'star':
    case 'plus':
    case 'quest':
      return { ...n, sub: factor(n.sub) };
    case 'repeat':
      return { ...n, sub: factor(n.sub) };
    case 'alternate': {
      const subs = factorLeading(n.subs.map(factor));
      const out: Re2Node[] = [];
      let run: RuneRange[] | undefined;
      let runItems: Re2Node[] = [];
      const flush = () => {
        if (run)
          out.push(runItems.length === 1 ? runItems[0]! : { op: 'class', ranges: normalizeRanges(run) });
        run = undefined;
        runItems = [];
      };
      for (const s of subs) {
        const ranges =
          s.op === 'literal'
            ? s.fold
              ? ([
                  [s.rune - 0x20, s.rune - 0x20],
                  [s.rune, s.rune],
                ] as RuneRange[])
              : [[s.rune, s.rune] as RuneRange]
            : s.op === 'class'
              ? s.ranges
              : undefined;
        if (ranges) {
          run = [...(run ?? []), ...ranges];
          runItems.push(s);
        } else {
          flush();
          out.push(s);
        }
      }
      flush();
      return out.length === 1 ? out[0]! : { op: 'alternate', subs: out };
    }
    default:
      return n;
  }
}

/**
 * `^` then a literal string: RE2 matches that prefix by comparing bytes, and compiles only the rest
 * (unanchored), so the prefix costs nothing.
 */
function requiredPrefixSuffix(n: Re2Node): Re2Node {
  if (n.op !== 'concat') return n;
  let i = 0;
  while (i < n.subs.length && n.subs[i]!.op === 'begin-text') i++;
  const first = n.subs[i];
  if (i === 0 || !first || first.op !== 'literal') return n;
  let j = i + 1;
  while (j < n.subs.length) {
    const next = n.subs[j]!;
    if (next.op !== 'literal' || next.fold !== first.fold) break;
    j++;
  }
  const rest = n.subs.slice(j);
  return rest.length === 0 ? { op: 'empty' } : rest.length === 1 ? rest[0]! : { op: 'concat', subs: rest };
}

const leadOf = (n: Re2Node): Re2Node => (n.op === 'concat' ? n.subs[0]! : n);
const restOf = (n: Re2Node): Re2Node =>
  n.op === 'concat'
    ? n.subs.length === 2
      ? n.subs[1]!
      : { op: 'concat', subs: n.subs.slice(1) }
    : { op: 'empty' };
const sameLead = (a: Re2Node, b: Re2Node) =>
  (a.op === 'literal' || a.op === 'class') && JSON.stringify(a) === JSON.stringify(b);

/**
 * RE2's parser factors a common leading character or class out of consecutive alternatives
 * (`ab|ac` is `a(?:b|c)`, `x|x` is `x(?:|)`), before it merges single characters into classes.
 */
function factorLeading(subs: Re2Node[]): Re2Node[] {
  const out: Re2Node[] = [];
  for (let i = 0; i < subs.length;) {
    let j = i + 1;
    while (j < subs.length && sameLead(leadOf(subs[i]!), leadOf(subs[j]!))) j++;
    if (j - i < 2) {
      out.push(subs[i]!);
      i = j;
      continue;
    }
    const rests = factorLeading(subs.slice(i, j).map(restOf));
    out.push({ op: 'concat', subs: [leadOf(subs[i]!), factor({ op: 'alternate', subs: rests })] });
    i = j;
  }
  return out;
}

/** The leading `\A` (or `^`) and trailing `\z` (or `$`) are anchors of the program, not instructions. */
function stripAnchors(n: Re2Node): { node: Re2Node; anchorStart: boolean } {
  let anchorStart = false;
  const strip = (m: Re2Node, side: 'start' | 'end'): Re2Node | undefined => {
    const want = side === 'start' ? 'begin-text' : 'end-text';
    if (m.op === want) return { op: 'empty' };
    if (m.op === 'capture') {
      const sub = strip(m.sub, side);
      return sub && { op: 'capture', sub };
    }
    if (m.op === 'concat' && m.subs.length > 0) {
      const i = side === 'start' ? 0 : m.subs.length - 1;
      const sub = strip(m.subs[i]!, side);
      if (!sub) return undefined;
      const subs = [...m.subs];
      subs[i] = sub;
      return { op: 'concat', subs };
    }
    return undefined;
  };
  let node = n;
  const s = strip(node, 'start');
  if (s) {
    node = s;
    anchorStart = true;
  }
  node = strip(node, 'end') ?? node;
  return { node, anchorStart };
}

function compile(c: Compiler, n: Re2Node): Frag {
  switch (n.op) {
    case 'empty':
      return c.nop();
    case 'literal': {
      if (n.rune < 0x80) return c.byteRange(n.rune, n.rune, n.fold);
      const bytes = utf8(n.rune);
      let f: Frag | undefined;
      for (const b of bytes) {
        const next = c.byteRange(b, b, false);
        f = f ? c.cat(f, next) : next;
      }
      return f!;
    }
    case 'class':
      return c.charClass(n.ranges);
    case 'anybyte':
      return c.byteRange(0x00, 0xff, false);
    case 'begin-text':
    case 'end-text':
    case 'empty-width':
      return c.emptyWidth();
    case 'capture':
      return c.capture(compile(c, n.sub));
    case 'concat':
      return n.subs.map((s) => compile(c, s)).reduce((a, b) => c.cat(a, b));
    case 'alternate':
      return n.subs.map((s) => compile(c, s)).reduce((a, b) => c.alt(a, b));
    case 'star':
      return c.star(compile(c, n.sub));
    case 'plus':
      return c.plus(compile(c, n.sub));
    case 'quest':
      return c.quest(compile(c, n.sub));
    case 'repeat':
      throw new Error('repeat left after simplify');
  }
}

/** Counts the instructions of RE2's flattened program (Prog::Flatten's lists). */
function flattenedSize(insts: Inst[], start: number, startUnanchored: number): number {
  const skipNops = (id: number) => {
    let j = id;
    while (j !== 0 && insts[j]!.op === 'nop') j = insts[j]!.out;
    return j;
  };
  // Optimize: nop chains skipped, and the `.*` loop before a match marked AltMatch (one more
  // instruction in the flattened list), for what start reaches.
  const altMatch = new Set<number>();
  {
    const seen = new Set<number>();
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (id === 0 || seen.has(id)) continue;
      seen.add(id);
      const ip = insts[id]!;
      ip.out = skipNops(ip.out);
      if (ip.op === 'alt') ip.out1 = skipNops(ip.out1);
      if (ip.op !== 'match' && ip.op !== 'fail') stack.push(ip.out);
      if (ip.op === 'alt') stack.push(ip.out1);
    }
    const isMatch = (id: number): boolean => {
      let j = id;
      for (;;) {
        const ip = insts[j]!;
        if (ip.op === 'match') return true;
        if (ip.op === 'capture' || ip.op === 'nop') j = ip.out;
        else return false;
      }
    };
    const anyByteBack = (id: number, to: number) => {
      const ip = insts[id]!;
      return ip.op === 'byte' && ip.out === to && ip.lo === 0 && ip.hi === 0xff;
    };
    for (const id of seen) {
      const ip = insts[id]!;
      if (ip.op !== 'alt') continue;
      if ((anyByteBack(ip.out, id) && isMatch(ip.out1)) || (isMatch(ip.out) && anyByteBack(ip.out1, id)))
        altMatch.add(id);
    }
  }

  const roots = new Map<number, number>();
  const addRoot = (id: number) => {
    if (!roots.has(id)) roots.set(id, roots.size);
  };
  addRoot(0);
  addRoot(startUnanchored);
  addRoot(start);
  const preds = new Map<number, number[]>();
  {
    const seen = new Set<number>();
    const stack = [startUnanchored];
    while (stack.length) {
      let id = stack.pop()!;
      for (;;) {
        if (seen.has(id)) break;
        seen.add(id);
        const ip = insts[id]!;
        if (ip.op === 'alt') {
          for (const out of [ip.out, ip.out1]) preds.set(out, [...(preds.get(out) ?? []), id]);
          stack.push(ip.out1);
          id = ip.out;
        } else if (ip.op === 'byte' || ip.op === 'capture' || ip.op === 'empty') {
          addRoot(ip.out);
          id = ip.out;
        } else if (ip.op === 'nop') id = ip.out;
        else break;
      }
    }
  }
  const closure = (root: number, visit?: (id: number, isOtherRoot: boolean) => void): Set<number> => {
    const seen = new Set<number>();
    const stack = [root];
    while (stack.length) {
      let id = stack.pop()!;
      for (;;) {
        if (seen.has(id)) break;
        seen.add(id);
        if (id !== root && roots.has(id)) {
          visit?.(id, true);
          break;
        }
        const ip = insts[id]!;
        if (ip.op === 'alt') {
          if (altMatch.has(id)) visit?.(id, false);
          stack.push(ip.out1);
          id = ip.out;
        } else if (ip.op === 'nop') id = ip.out;
        else {
          visit?.(id, false);
          break;
        }
      }
    }
    return seen;
  };
  // Dominators: an instruction reached from a root but with a predecessor that root does not reach
  // is a root of its own.
  const sorted = [...roots.keys()].sort((a, b) => a - b);
  for (let i = sorted.length - 1; i > 0; i--) {
    const root = sorted[i]!;
    if (root === startUnanchored || root === start) continue;
    const reached = closure(root);
    for (const id of reached) for (const p of preds.get(id) ?? []) if (!reached.has(p)) addRoot(id);
  }
  let size = 0;
  for (const root of roots.keys()) closure(root, () => size++);
  return size;
}

export interface ProgramSizeOptions {
  /** Stop counting past this (a pattern that large is refused anyway). */
  limit: number;
}

/**
 * RE2's program size of a parsed pattern; when it is certainly above `limit`, a lower bound above the
 * limit (`atLeast`), without compiling a program that large.
 */
export function re2ProgramSize(
  tree: Re2Node,
  options: ProgramSizeOptions,
): { size: number; atLeast: boolean } {
  const simplified = requiredPrefixSuffix(simplify(factor(tree)));
  const floor = leafFloor(simplified);
  // A bound 200 times the limit is far past any program Envoy accepts: not worth compiling.
  if (floor > options.limit || leafBound(simplified) > 200 * options.limit)
    return { size: Math.max(floor, options.limit + 1), atLeast: true };
  const { node, anchorStart } = stripAnchors(simplified);
  const c = new Compiler();
  let all = compile(c, node);
  const match = c.alloc('match');
  all = c.cat(all, { begin: match, end: [], nullable: false });
  const start = all.begin;
  let startUnanchored = start;
  if (!anchorStart && start !== 0) {
    const any = c.byteRange(0x00, 0xff, false);
    const loop = c.alloc('alt', 0, any.begin);
    c.patch(any.end, loop);
    startUnanchored = c.cat({ begin: loop, end: [[loop, 0]], nullable: true }, all).begin;
  }
  if (start === 0 && startUnanchored === 0) return { size: 1, atLeast: false };
  return { size: flattenedSize(c.insts, start, startUnanchored), atLeast: false };
}
