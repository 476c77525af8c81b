import { readText } from './repo.js';

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    if (!pending) start = i + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full)!;
    out.push({ op: m[1].toUpperCase(), args: m[2], line: start });
  });
  return out;
}

/** Stages in order, with `${ARG}` in FROM resolved from the global ARG defaults. */
export function stages(file = 'Dockerfile'): Stage[] {
  const all = instructions(readText(file));
  const args: Record<string, string> = {};
  const result: Stage[] = [];
  for (const ins of all) {
    if (ins.op === 'ARG' && result.length === 0) {
      const [k, v] = ins.args.split('=');
      args[k] = v ?? '';
    } else if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      const from = m[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_w, a, b) => args[a ?? b] ?? '');
      result.push({ name: m[2] ?? String(result.length), from, instructions: [] });
    } else if (result.length) {
      result[result.length - 1].instructions.push(ins);
    }
  }
  return result;
}

/** Exec-form JSON arrays (CMD ["node", ...]); undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether .dockerignore keeps a context path out, by its rules: patterns match from the context
 * root (`**` any depth), a matched directory excludes everything under it, `!` re-includes, the last
 * matching rule wins.
 */
export function isIgnored(relPath: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    let source = '';
    for (const part of pattern.split('/')) {
      source +=
        part === '**'
          ? '(?:[^/]+/)*'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]') + '/';
    }
    const regex = new RegExp(`^${source.replace(/\/$/, '')}(?:/.*)?$`);
    if (regex.test(relPath)) ignored = !negate;
  }
  return ignored;
}

export function dockerignore(): string[] {
  return readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
