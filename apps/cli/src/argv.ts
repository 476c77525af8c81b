/**
 * argv -> flags and positionals, kubectl style: flags anywhere (`keyway -n ns get svc`), `--f=v`,
 * `--f v`, `-n v`, `-nv`, repeatable flags, booleans that may take `=true|false`. Pure.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface FlagSpec {
  names: string[];
  kind: 'value' | 'list' | 'bool';
}

export const FLAG_SPECS: FlagSpec[] = [
  { names: ['namespace', 'n'], kind: 'value' },
  { names: ['output', 'o'], kind: 'value' },
  { names: ['filename', 'f'], kind: 'list' },
  { names: ['selector', 'l'], kind: 'value' },
  { names: ['container', 'c'], kind: 'value' },
  { names: ['from-file'], kind: 'list' },
  { names: ['from-literal'], kind: 'list' },
  { names: ['cert'], kind: 'value' },
  { names: ['key'], kind: 'value' },
  { names: ['server', 's'], kind: 'value' },
  { names: ['token'], kind: 'value' },
  { names: ['out'], kind: 'value' },
  { names: ['issuer'], kind: 'value' },
  { names: ['team'], kind: 'value' },
  { names: ['reason'], kind: 'value' },
  { names: ['tail'], kind: 'value' },
  { names: ['limit'], kind: 'value' },
  { names: ['dry-run'], kind: 'value' },
  { names: ['since'], kind: 'value' },
  { names: ['until'], kind: 'value' },
  { names: ['actor'], kind: 'value' },
  { names: ['kind'], kind: 'value' },
  { names: ['ignore-not-found'], kind: 'bool' },
  { names: ['all-namespaces', 'A'], kind: 'bool' },
  { names: ['no-client'], kind: 'bool' },
  { names: ['help', 'h'], kind: 'bool' },
];

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  lists: Record<string, string[]>;
  bools: Record<string, boolean>;
}

function specFor(name: string): FlagSpec {
  const spec = FLAG_SPECS.find((s) => s.names.includes(name));
  if (!spec) throw new UsageError(`unknown flag: ${name.length === 1 ? '-' : '--'}${name}`);
  return spec;
}

function parseBool(flag: string, v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UsageError(`--${flag}: expected true or false, got ${JSON.stringify(v)}`);
}

export function parseArgv(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, lists: {}, bools: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length > 1) {
      name = arg[1];
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    } else {
      out.positionals.push(arg);
      continue;
    }
    const spec = specFor(name);
    const key = spec.names[0];
    if (spec.kind === 'bool') {
      out.bools[key] = inline === undefined ? true : parseBool(key, inline);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs a value: ${arg}`);
      value = argv[++i];
    }
    if (spec.kind === 'list') (out.lists[key] ??= []).push(value);
    else out.values[key] = value;
  }
  return out;
}
