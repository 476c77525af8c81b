import protobuf from 'protobufjs';
import { ANY, anyTarget } from './any-type.js';
import {
  isPlainObject,
  jsonDuration,
  jsonEnum,
  jsonScalar,
  jsonStruct,
  jsonStructValue,
  refuse,
  type JsonContext,
} from './proto-json-values.js';
import { joinPath, typeName, type EnvoyViolation } from './violation.js';

/** An `Any` met in the config, with where: lets a test ask whether a proto set loads its type. */
export interface AnyTypeUse {
  path: string;
  typeUrl: string;
}

export interface MessageJson {
  /** The object form protobufjs encodes (`encodeMessage` takes it): durations as {seconds, nanos}, enums as numbers. */
  object: Record<string, unknown>;
  /** What Envoy's JSON parser would refuse: unknown fields, wrong types, unknown enum names, ... */
  violations: EnvoyViolation[];
  anyTypes: AnyTypeUse[];
}

interface Reader extends JsonContext {
  anyTypes: AnyTypeUse[];
}

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (w) => `google.protobuf.${w}Value`,
  ),
);

function any(ctx: Reader, type: protobuf.Type, raw: unknown, path: string): unknown {
  if (!isPlainObject(raw) || typeof raw['@type'] !== 'string')
    return refuse(ctx, path, 'any_type', 'expected an Any with "@type"');
  const typeUrl = raw['@type'];
  ctx.anyTypes.push({ path, typeUrl });
  const inner = anyTarget(type.root, typeUrl);
  if (!inner) {
    const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    return refuse(ctx, path, 'any_type', `type ${name} is not loaded: the Any would encode empty`);
  }
  const { '@type': _type, ...fields } = raw;
  return { '@type': typeUrl, ...(message(ctx, inner, fields, path) as Record<string, unknown>) };
}

function message(ctx: Reader, type: protobuf.Type, raw: unknown, path: string): unknown {
  const name = typeName(type);
  if (name === 'google.protobuf.Duration') return jsonDuration(ctx, raw, path);
  // Wrappers are written as their bare value.
  if (WRAPPERS.has(name)) return { value: jsonScalar(ctx, type.fields.value.type, raw, path) };
  if (name === 'google.protobuf.Struct') return jsonStruct(ctx, raw, path);
  if (name === 'google.protobuf.Value') return jsonStructValue(ctx, raw, path);
  if (name === ANY) return any(ctx, type, raw, path);
  if (!isPlainObject(raw)) return refuse(ctx, path, 'json.type', `expected an object for ${name}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = type.fields[key];
    if (field) out[key] = fieldValue(ctx, field.resolve(), value, joinPath(path, key));
    else refuse(ctx, joinPath(path, key), 'known_field', `unknown field of ${name}`);
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => raw[f.name] !== undefined).map((f) => f.name);
    if (set.length > 1)
      refuse(ctx, path, 'json.oneof', `oneof ${oneof.name} has several members set: ${set.join(', ')}`);
  }
  return out;
}

function single(ctx: Reader, field: protobuf.Field, raw: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return message(ctx, type, raw, path);
  if (type instanceof protobuf.Enum) return jsonEnum(ctx, type, raw, path);
  return jsonScalar(ctx, field.type, raw, path);
}

function fieldValue(ctx: Reader, field: protobuf.Field, raw: unknown, path: string): unknown {
  if (field instanceof protobuf.MapField) {
    if (!isPlainObject(raw)) return refuse(ctx, path, 'json.type', 'expected a map (object)');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = single(ctx, field, v, `${path}[${JSON.stringify(k)}]`);
    return out;
  }
  if (!field.repeated) return single(ctx, field, raw, path);
  if (!Array.isArray(raw)) return refuse(ctx, path, 'json.type', 'expected a list');
  return raw.map((v, i) => single(ctx, field, v, `${path}[${i}]`));
}

/**
 * Reads Envoy's YAML/JSON form (the proto3 JSON mapping, proto field names) as `type`, the way Envoy's
 * parser does: into the object form protobufjs encodes, with every unknown field, wrong JSON type,
 * unknown enum name, bad duration, second member of a oneof and `Any` of a type `type`'s root does not
 * load. Struct is taken from plain JSON, wrappers from bare values, `Any` with "@type" and its fields.
 */
export function readMessageJson(type: protobuf.Type, json: unknown): MessageJson {
  const ctx: Reader = { violations: [], anyTypes: [] };
  const object = (message(ctx, type, json, '') ?? {}) as Record<string, unknown>;
  return { object, violations: ctx.violations, anyTypes: ctx.anyTypes };
}
