import protobuf from 'protobufjs';

/**
 * A compact checker for the protoc-gen-validate rules (`validate.rules`, `validate.required`)
 * Envoy's protos carry, over the object form ProtoJsonReader produces (durations as
 * {seconds, nanos}, enums as numbers, Any as {'@type', ...}). It also refuses deprecated fields,
 * which Envoy rejects by default. Rules it does not implement are listed in `unchecked`, never
 * silently passed.
 */
export interface PgvProblem {
  path: string;
  message: string;
}

type Rules = Record<string, any>;

const NUMERIC = [
  'uint32',
  'uint64',
  'int32',
  'int64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'double',
  'float',
];
const IGNORED_KEYS = new Set(['ignore_empty']);

function rulesOf(options: Record<string, unknown>[] | undefined, name: string): Rules | undefined {
  return options?.find((o) => name in o)?.[name] as Rules | undefined;
}

function nanos(d: any): number {
  return Number(d?.seconds ?? 0) * 1e9 + Number(d?.nanos ?? 0);
}

export class PgvChecker {
  readonly problems: PgvProblem[] = [];
  readonly unchecked = new Set<string>();

  constructor(private readonly root: protobuf.Root) {}

  check(typeName: string, value: Record<string, unknown>): this {
    this.message(this.root.lookupType(typeName), value, '');
    return this;
  }

  private fail(path: string, message: string): void {
    this.problems.push({ path: path || '(root)', message });
  }

  private message(type: protobuf.Type, value: any, path: string): void {
    if (type.fullName === '.google.protobuf.Any' && typeof value?.['@type'] === 'string') {
      const url: string = value['@type'];
      const inner = this.root.lookupType(url.slice(url.lastIndexOf('/') + 1));
      this.message(inner, value, path);
      return;
    }
    if (type.fullName.startsWith('.google.protobuf.')) return;
    for (const oneof of type.oneofsArray) {
      const required = (oneof.parsedOptions as Record<string, unknown>[] | undefined)?.some(
        (o) => o['(validate.required)'] === true,
      );
      if (required && !oneof.fieldsArray.some((f) => value[f.name] !== undefined)) {
        this.fail(
          path,
          `one of ${oneof.fieldsArray.map((f) => f.name).join(', ')} is required (${oneof.name})`,
        );
      }
    }
    for (const field of type.fieldsArray) {
      field.resolve();
      const at = path ? `${path}.${field.name}` : field.name;
      const v = value[field.name];
      if (v !== undefined && field.options?.deprecated) this.fail(at, 'deprecated field');
      const rules = rulesOf(field.parsedOptions as Record<string, unknown>[] | undefined, '(validate.rules)');
      // A oneof member's rules apply only when that member is the one set.
      if (rules && !(field.partOf && v === undefined)) this.rules(field, rules, v, at);
      if (v === undefined) continue;
      const sub = field.resolvedType;
      if (!(sub instanceof protobuf.Type)) continue;
      if (field instanceof protobuf.MapField) {
        for (const [k, item] of Object.entries(v)) this.message(sub, item, `${at}[${JSON.stringify(k)}]`);
      } else if (field.repeated) {
        (v as unknown[]).forEach((item, i) => this.message(sub, item, `${at}[${i}]`));
      } else {
        this.message(sub, v, at);
      }
    }
  }

  private rules(field: protobuf.Field, rules: Rules, v: unknown, at: string): void {
    for (const [kind, r] of Object.entries(rules)) {
      if (kind === 'message') {
        if (r.required && v === undefined) this.fail(at, 'is required');
        continue;
      }
      if (kind === 'repeated' || kind === 'map') {
        const n = Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0;
        this.bounds(at, `${kind} size`, n, {
          gte: r.min_items ?? r.min_pairs,
          lte: r.max_items ?? r.max_pairs,
        });
        if (r.items && Array.isArray(v))
          v.forEach((item, i) => this.rules(field, r.items, item, `${at}[${i}]`));
        for (const k of Object.keys(r))
          if (!['min_items', 'max_items', 'min_pairs', 'max_pairs', 'items'].includes(k))
            this.unchecked.add(`${kind}.${k}`);
        continue;
      }
      if (v === undefined || Array.isArray(v)) {
        if (r.required && v === undefined) this.fail(at, `is required (${kind})`);
        continue;
      }
      if (kind === 'string') this.string(at, String(v), r);
      else if (NUMERIC.includes(kind)) this.bounds(at, kind, Number(v), r, true);
      else if (kind === 'enum') {
        const values = Object.values((field.resolvedType as protobuf.Enum).values);
        if (r.defined_only && !values.includes(Number(v))) this.fail(at, `enum value ${v} is not defined`);
        this.membership(at, Number(v), r);
        for (const k of Object.keys(r))
          if (!['defined_only', 'in', 'not_in'].includes(k)) this.unchecked.add(`enum.${k}`);
      } else if (kind === 'duration') {
        const bound = (d: unknown) => (d === undefined ? undefined : nanos(d));
        this.bounds(at, 'duration', nanos(v), {
          gt: bound(r.gt),
          gte: bound(r.gte),
          lt: bound(r.lt),
          lte: bound(r.lte),
        });
      } else if (kind === 'any') {
        const url = (v as any)['@type'];
        if (r.in && !r.in.includes(url)) this.fail(at, `Any type ${url} not in ${r.in.join(', ')}`);
      } else if (kind === 'bool') {
        if (r.const !== undefined && v !== r.const) this.fail(at, `must be ${r.const}`);
      } else {
        this.unchecked.add(kind);
      }
    }
  }

  private bounds(at: string, what: string, n: number, r: Rules, checkRest = false): void {
    if (r.gt !== undefined && !(n > Number(r.gt))) this.fail(at, `${what} ${n} must be > ${r.gt}`);
    if (r.gte !== undefined && !(n >= Number(r.gte))) this.fail(at, `${what} ${n} must be >= ${r.gte}`);
    if (r.lt !== undefined && !(n < Number(r.lt))) this.fail(at, `${what} ${n} must be < ${r.lt}`);
    if (r.lte !== undefined && !(n <= Number(r.lte))) this.fail(at, `${what} ${n} must be <= ${r.lte}`);
    if (checkRest) {
      this.membership(at, n, r);
      if (r.const !== undefined && n !== Number(r.const)) this.fail(at, `must be ${r.const}`);
      for (const k of Object.keys(r))
        if (!['gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'const'].includes(k) && !IGNORED_KEYS.has(k))
          this.unchecked.add(`${what}.${k}`);
    }
  }

  private membership(at: string, n: number | string, r: Rules): void {
    if (r.in && !r.in.map(String).includes(String(n))) this.fail(at, `${n} not in [${r.in.join(', ')}]`);
    if (r.not_in && r.not_in.map(String).includes(String(n))) this.fail(at, `${n} is excluded`);
  }

  private string(at: string, s: string, r: Rules): void {
    const bytes = Buffer.byteLength(s);
    const chars = [...s].length;
    if (r.min_len !== undefined && chars < Number(r.min_len)) this.fail(at, `length ${chars} < ${r.min_len}`);
    if (r.max_len !== undefined && chars > Number(r.max_len)) this.fail(at, `length ${chars} > ${r.max_len}`);
    if (r.min_bytes !== undefined && bytes < Number(r.min_bytes))
      this.fail(at, `bytes ${bytes} < ${r.min_bytes}`);
    if (r.max_bytes !== undefined && bytes > Number(r.max_bytes))
      this.fail(at, `bytes ${bytes} > ${r.max_bytes}`);
    if (r.prefix !== undefined && !s.startsWith(r.prefix)) this.fail(at, `must start with ${r.prefix}`);
    if (r.suffix !== undefined && !s.endsWith(r.suffix)) this.fail(at, `must end with ${r.suffix}`);
    if (r.contains !== undefined && !s.includes(r.contains)) this.fail(at, `must contain ${r.contains}`);
    if (r.pattern !== undefined && !new RegExp(r.pattern).test(s)) this.fail(at, `must match ${r.pattern}`);
    this.membership(at, s, r);
    if (r.well_known_regex !== undefined) {
      // HTTP_HEADER_NAME / HTTP_HEADER_VALUE with strict: no NUL, CR or LF in any case.
      if (/[\0\r\n]/.test(s)) this.fail(at, 'contains NUL, CR or LF');
    }
    const known = [
      'min_len',
      'max_len',
      'min_bytes',
      'max_bytes',
      'prefix',
      'suffix',
      'contains',
      'pattern',
      'in',
      'not_in',
      'well_known_regex',
      'strict',
    ];
    for (const k of Object.keys(r))
      if (!known.includes(k) && !IGNORED_KEYS.has(k)) this.unchecked.add(`string.${k}`);
  }
}
