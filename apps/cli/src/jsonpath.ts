/**
 * kubectl's JSONPath templates (`-o jsonpath='{.items[0].metadata.name}'`): literal text with `{}`
 * expressions; each expression may be a path with `.field`, `['field']`, `[n]`, `[a:b]`, `[*]`, `.*`,
 * `..field` and filters `[?(@.x=="y")]`, plus `{range ...}{end}`. Pure: object in, string out.
 */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

type Step =
  | { t: 'field'; name: string }
  | { t: 'index'; index: number }
  | { t: 'slice'; start?: number; end?: number }
  | { t: 'wildcard' }
  | { t: 'recursive'; name?: string }
  | { t: 'filter'; path: Step[]; op?: '==' | '!=' | '<' | '>' | '<=' | '>='; value?: unknown };

type Node =
  { t: 'text'; text: string } | { t: 'path'; steps: Step[] } | { t: 'range'; steps: Step[]; body: Node[] };

/** Splits a template into literal text and `{...}` expressions, nesting `{range}` ... `{end}`. */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack[stack.length - 1].push({ t: 'text', text: unescape(template.slice(i)) });
      break;
    }
    if (open > i) stack[stack.length - 1].push({ t: 'text', text: unescape(template.slice(i, open)) });
    const close = findClose(template, open);
    const expr = template.slice(open + 1, close).trim();
    i = close + 1;
    if (expr.startsWith('range ')) {
      const node: Node = { t: 'range', steps: parsePath(expr.slice(6).trim()), body: [] };
      stack[stack.length - 1].push(node);
      stack.push(node.body);
    } else if (expr === 'end') {
      if (stack.length === 1) throw new JsonPathError('{end} without {range}');
      stack.pop();
    } else if (expr.startsWith('"') && expr.endsWith('"')) {
      stack[stack.length - 1].push({ t: 'text', text: unescape(expr.slice(1, -1)) });
    } else {
      stack[stack.length - 1].push({ t: 'path', steps: parsePath(expr) });
    }
  }
  if (stack.length !== 1) throw new JsonPathError('{range} without {end}');
  return root;
}

function unescape(text: string): string {
  return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

function findClose(s: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return j;
  }
  throw new JsonPathError(`unclosed { at ${open}`);
}

/** `.a.b[0]['c'][?(@.x=="y")]` (a leading `$` or `@` is allowed). */
export function parsePath(expr: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  if (expr[0] === '$' || expr[0] === '@') i = 1;
  const ident = /^[A-Za-z0-9_\-$]+/;
  while (i < expr.length) {
    const rest = expr.slice(i);
    if (rest.startsWith('..')) {
      const m = ident.exec(rest.slice(2));
      if (m) {
        steps.push({ t: 'recursive', name: m[0] });
        i += 2 + m[0].length;
      } else {
        steps.push({ t: 'recursive' });
        i += 2;
      }
    } else if (rest.startsWith('.*')) {
      steps.push({ t: 'wildcard' });
      i += 2;
    } else if (rest[0] === '.') {
      const m = ident.exec(rest.slice(1));
      if (!m) {
        if (rest.length === 1) {
          i += 1;
          continue;
        }
        throw new JsonPathError(`unexpected ${JSON.stringify(rest)}`);
      }
      steps.push({ t: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (rest[0] === '[') {
      const end = matchingBracket(expr, i);
      steps.push(parseBracket(expr.slice(i + 1, end).trim()));
      i = end + 1;
    } else {
      const m = ident.exec(rest);
      if (!m || i !== 0) throw new JsonPathError(`unexpected ${JSON.stringify(rest)}`);
      steps.push({ t: 'field', name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  throw new JsonPathError(`unclosed [ in ${JSON.stringify(s)}`);
}

function parseBracket(inner: string): Step {
  if (inner === '*') return { t: 'wildcard' };
  if (/^-?\d+$/.test(inner)) return { t: 'index', index: Number(inner) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) {
    return {
      t: 'slice',
      start: slice[1] === '' ? undefined : Number(slice[1]),
      end: slice[2] === '' ? undefined : Number(slice[2]),
    };
  }
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { t: 'field', name: quoted[2] };
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (filter) {
    const cmp = /^(@[^=!<>]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(filter[1].trim());
    if (!cmp) return { t: 'filter', path: parsePath(filter[1].trim()) };
    return {
      t: 'filter',
      path: parsePath(cmp[1].trim()),
      op: cmp[2] as '==',
      value: parseLiteral(cmp[3].trim()),
    };
  }
  throw new JsonPathError(`unsupported [${inner}]`);
}

function parseLiteral(text: string): unknown {
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  throw new JsonPathError(`unsupported literal ${text}`);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
}

function descendants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  for (const c of children(value)) out.push(...descendants(c));
  return out;
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.t) {
      case 'field':
        if (v !== null && typeof v === 'object' && !Array.isArray(v) && step.name in v)
          out.push((v as Record<string, unknown>)[step.name]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i < 0 || i >= v.length)
            throw new JsonPathError(`array index out of bounds: index ${step.index}, length ${v.length}`);
          out.push(v[i]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) out.push(...v.slice(step.start, step.end));
        break;
      case 'wildcard':
        out.push(...children(v));
        break;
      case 'recursive':
        for (const d of descendants(v)) {
          if (step.name === undefined) out.push(d);
          else if (d !== null && typeof d === 'object' && !Array.isArray(d) && step.name in d)
            out.push((d as Record<string, unknown>)[step.name]);
        }
        break;
      case 'filter':
        for (const item of children(v)) if (matches(item, step)) out.push(item);
        break;
    }
  }
  return out;
}

function matches(item: unknown, step: Extract<Step, { t: 'filter' }>): boolean {
  const found = evaluatePath(item, step.path);
  if (step.op === undefined) return found.length > 0;
  return found.some((f) => {
    const a = f as number | string;
    const b = step.value as number | string;
    switch (step.op) {
      case '==':
        return f === step.value || (typeof f !== 'object' && String(f) === String(step.value));
      case '!=':
        return f !== step.value && String(f) !== String(step.value);
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      default:
        return a >= b;
    }
  });
}

export function evaluatePath(value: unknown, steps: Step[]): unknown[] {
  return steps.reduce<unknown[]>((vals, step) => applyStep(vals, step), [value]);
}

/** Scalars print bare, objects and arrays as JSON, as kubectl does. */
function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function render(nodes: Node[], value: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.t === 'text') out += node.text;
    else if (node.t === 'path') out += evaluatePath(value, node.steps).map(show).join(' ');
    else {
      const items = evaluatePath(value, node.steps);
      const list = items.length === 1 && Array.isArray(items[0]) ? items[0] : items;
      for (const item of list) out += render(node.body, item);
    }
  }
  return out;
}

/** Evaluates a kubectl JSONPath template against an object. */
export function jsonPath(template: string, value: unknown): string {
  return render(parseTemplate(template), value);
}
