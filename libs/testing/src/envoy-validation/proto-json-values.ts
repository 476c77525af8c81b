import type protobuf from 'protobufjs';
import { typeName, type EnvoyViolation } from './violation.js';

/** Where the proto3 JSON reader collects what Envoy's JSON parser would refuse. */
export interface JsonContext {
  violations: EnvoyViolation[];
}

export function refuse(ctx: JsonContext, path: string, rule: string, message: string): undefined {
  ctx.violations.push({ path, rule, message });
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A scalar as proto3 JSON writes it: 64-bit integers may be strings, bytes are base64. */
export function jsonScalar(ctx: JsonContext, type: string, raw: unknown, path: string): unknown {
  const wrong = (what: string) => refuse(ctx, path, 'json.type', `expected ${what}`);
  if (type === 'string') return typeof raw === 'string' ? raw : wrong('a string');
  if (type === 'bool') return typeof raw === 'boolean' ? raw : wrong('a boolean');
  if (type === 'bytes')
    return typeof raw === 'string' && /^[A-Za-z0-9+/=_-]*$/.test(raw) ? raw : wrong('base64 bytes');
  if (type === 'double' || type === 'float') return typeof raw === 'number' ? raw : wrong('a number');
  if (!INT_TYPES.has(type) && !LONG_TYPES.has(type))
    return refuse(ctx, path, 'json.type', `unsupported scalar type ${type}`);
  const n = typeof raw === 'string' && LONG_TYPES.has(type) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) return wrong(`an integer (${type})`);
  if ((type.startsWith('uint') || type.startsWith('fixed')) && n < 0)
    return wrong(`a non-negative integer (${type})`);
  return raw;
}

/** An enum by name or number; numbers out, because protobufjs's verify accepts only those. */
export function jsonEnum(ctx: JsonContext, type: protobuf.Enum, raw: unknown, path: string): unknown {
  if (typeof raw === 'string' && raw in type.values) return type.values[raw];
  if (typeof raw === 'number' && raw in type.valuesById) return raw;
  return refuse(ctx, path, 'json.enum', `not a value of enum ${typeName(type)}: ${JSON.stringify(raw)}`);
}

/** A `google.protobuf.Duration` as proto3 JSON writes it: "5s", "0.25s", "-1.5s". */
export function jsonDuration(ctx: JsonContext, raw: unknown, path: string): unknown {
  const m = typeof raw === 'string' ? /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(raw) : null;
  if (!m) return refuse(ctx, path, 'json.duration', 'expected a duration like "5s" or "0.25s"');
  const sign = m[1] === '-' ? -1 : 1;
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  return { seconds: sign * Number(m[2]), nanos: sign * nanos };
}

/** A `google.protobuf.Struct` from a plain JSON object. */
export function jsonStruct(ctx: JsonContext, raw: unknown, path: string): unknown {
  if (!isPlainObject(raw)) return refuse(ctx, path, 'json.type', 'expected an object (Struct)');
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) fields[k] = jsonStructValue(ctx, v, `${path}.${k}`);
  return { fields };
}

/** A `google.protobuf.Value` from any JSON value. */
export function jsonStructValue(ctx: JsonContext, raw: unknown, path: string): unknown {
  // protobufjs bundles the well-known types with camelCase field names, whatever keepCase says.
  if (raw === null) return { nullValue: 0 };
  if (typeof raw === 'string') return { stringValue: raw };
  if (typeof raw === 'number') return { numberValue: raw };
  if (typeof raw === 'boolean') return { boolValue: raw };
  if (Array.isArray(raw))
    return { listValue: { values: raw.map((v, i) => jsonStructValue(ctx, v, `${path}[${i}]`)) } };
  return { structValue: jsonStruct(ctx, raw, path) };
}
