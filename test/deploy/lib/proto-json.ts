import protobuf from 'protobufjs';

/** A problem found while reading proto3 JSON (as Envoy reads YAML config) against a message type. */
export interface ProtoProblem {
  path: string;
  message: string;
}

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (w) => `google.protobuf.${w}Value`,
  ),
);

const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fullName(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, '');
}

/**
 * Converts Envoy's YAML/JSON form (proto3 JSON mapping: durations as "5s", wrappers as bare values,
 * Struct as plain objects, Any with "@type") into the object form protobufjs encodes, and reports
 * every unknown field, wrong scalar type, unknown enum value, second member of a oneof and `Any`
 * whose type is not in `root`. Field names are the proto names (snake_case), as in keyway's files.
 */
export class ProtoJsonReader {
  readonly problems: ProtoProblem[] = [];
  /** Every `@type` met, with where: lets a test ask another root whether it knows them. */
  readonly anyTypes: { path: string; typeUrl: string }[] = [];

  constructor(private readonly root: protobuf.Root) {}

  read(typeName: string, value: unknown): Record<string, unknown> {
    return this.message(this.root.lookupType(typeName), value, '') as Record<string, unknown>;
  }

  private problem(path: string, message: string): undefined {
    this.problems.push({ path: path || '(root)', message });
    return undefined;
  }

  private message(type: protobuf.Type, value: unknown, path: string): unknown {
    const name = fullName(type);
    if (name === 'google.protobuf.Duration') return this.duration(value, path);
    if (WRAPPERS.has(name)) {
      const inner = type.fields.value;
      return { value: this.scalar(inner, value, path) };
    }
    if (name === 'google.protobuf.Struct') return this.struct(value, path);
    if (name === 'google.protobuf.Value') return this.structValue(value, path);
    if (name === 'google.protobuf.Any') return this.any(value, path);
    if (!isPlainObject(value)) return this.problem(path, `expected an object for ${name}`);

    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(value)) {
      const fieldPath = path ? `${path}.${key}` : key;
      const field = type.fields[key];
      if (!field) {
        this.problem(fieldPath, `unknown field of ${name}`);
        continue;
      }
      out[key] = this.field(field.resolve(), raw, fieldPath);
    }
    for (const oneof of type.oneofsArray) {
      const set = oneof.fieldsArray.filter((f) => value[f.name] !== undefined).map((f) => f.name);
      if (set.length > 1)
        this.problem(path, `oneof ${oneof.name} has several members set: ${set.join(', ')}`);
    }
    return out;
  }

  private field(field: protobuf.Field, raw: unknown, path: string): unknown {
    if (field instanceof protobuf.MapField) {
      if (!isPlainObject(raw)) return this.problem(path, 'expected a map (object)');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw))
        out[k] = this.single(field, v, `${path}[${JSON.stringify(k)}]`);
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(raw)) return this.problem(path, 'expected a list');
      return raw.map((v, i) => this.single(field, v, `${path}[${i}]`));
    }
    return this.single(field, raw, path);
  }

  private single(field: protobuf.Field, raw: unknown, path: string): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.message(resolved, raw, path);
    if (resolved instanceof protobuf.Enum) {
      // Numbers, because protobufjs's verify (run by encodeMessage) accepts only numeric enums.
      if (typeof raw === 'string' && raw in resolved.values) return resolved.values[raw];
      if (typeof raw === 'number' && Object.values(resolved.values).includes(raw)) return raw;
      return this.problem(path, `not a value of enum ${fullName(resolved)}: ${JSON.stringify(raw)}`);
    }
    return this.scalar(field, raw, path);
  }

  private scalar(field: protobuf.Field, raw: unknown, path: string): unknown {
    const t = field.type;
    if (t === 'string') return typeof raw === 'string' ? raw : this.problem(path, 'expected a string');
    if (t === 'bool') return typeof raw === 'boolean' ? raw : this.problem(path, 'expected a boolean');
    if (t === 'bytes') {
      return typeof raw === 'string' && /^[A-Za-z0-9+/=_-]*$/.test(raw)
        ? raw
        : this.problem(path, 'expected base64 bytes');
    }
    if (t === 'double' || t === 'float') {
      return typeof raw === 'number' ? raw : this.problem(path, 'expected a number');
    }
    if (INT_TYPES.has(t) || LONG_TYPES.has(t)) {
      const n = typeof raw === 'string' && LONG_TYPES.has(t) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n))
        return this.problem(path, `expected an integer (${t})`);
      if (t.startsWith('uint') || t.startsWith('fixed')) {
        if (n < 0) return this.problem(path, `expected a non-negative integer (${t})`);
      }
      return raw;
    }
    return this.problem(path, `unsupported scalar type ${t}`);
  }

  private duration(value: unknown, path: string): unknown {
    const m = typeof value === 'string' ? /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
    if (!m) return this.problem(path, `expected a duration like "5s" or "0.25s"`);
    const sign = m[1] === '-' ? -1 : 1;
    const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
    return { seconds: sign * Number(m[2]), nanos: sign * nanos };
  }

  private struct(value: unknown, path: string): unknown {
    if (!isPlainObject(value)) return this.problem(path, 'expected an object (Struct)');
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) fields[k] = this.structValue(v, `${path}.${k}`);
    return { fields };
  }

  private structValue(value: unknown, path: string): unknown {
    // protobufjs bundles the well-known types with camelCase field names, whatever keepCase says.
    if (value === null) return { nullValue: 0 };
    if (typeof value === 'string') return { stringValue: value };
    if (typeof value === 'number') return { numberValue: value };
    if (typeof value === 'boolean') return { boolValue: value };
    if (Array.isArray(value)) {
      return { listValue: { values: value.map((v, i) => this.structValue(v, `${path}[${i}]`)) } };
    }
    return { structValue: this.struct(value, path) };
  }

  private any(value: unknown, path: string): unknown {
    if (!isPlainObject(value) || typeof value['@type'] !== 'string') {
      return this.problem(path, 'expected an Any with "@type"');
    }
    const typeUrl = value['@type'];
    this.anyTypes.push({ path, typeUrl });
    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    let inner: protobuf.Type;
    try {
      inner = this.root.lookupType(typeName);
    } catch {
      return this.problem(path, `type ${typeName} is not loaded: the Any would encode empty`);
    }
    const { '@type': _ignored, ...rest } = value;
    const converted = this.message(inner, rest, path);
    return { '@type': typeUrl, ...(converted as Record<string, unknown>) };
  }
}
