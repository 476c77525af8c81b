import protobuf from 'protobufjs';
import { encodeMessage, envoyRoot, messageNameOf } from '#keyway/envoy-api';
import { fieldRules, messageDisabled, oneofRequired, type Rules } from './rules.js';
import { durationNanos, scalarProblems } from './scalar-rules.js';

export interface EnvoyViolation {
  /** Field path inside the message: `filter_chains[0].filters[0].typed_config.stat_prefix`. */
  path: string;
  rule: string;
  message: string;
}

const ANY = 'google.protobuf.Any';
const WRAPPERS = new Set(
  [
    'DoubleValue',
    'FloatValue',
    'Int64Value',
    'UInt64Value',
    'Int32Value',
    'UInt32Value',
    'BoolValue',
    'StringValue',
    'BytesValue',
  ].map((n) => `google.protobuf.${n}`),
);

function typeName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function anyTarget(typeUrl: string): protobuf.Type | undefined {
  try {
    return envoyRoot().lookupType(messageNameOf(typeUrl));
  } catch {
    return undefined;
  }
}

/**
 * Walks the wire bytes against the loaded descriptors: any field number the type does not declare
 * (at any depth, inside `Any` too) is an unknown field, which protobufjs would silently drop on decode.
 */
function unknownFields(type: protobuf.Type, bytes: Uint8Array, path: string, out: EnvoyViolation[]): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[id];
    if (!field) {
      out.push({
        path: join(path, `#${id}`),
        rule: 'known_field',
        message: `unknown field ${id} in ${typeName(type)}`,
      });
      reader.skipType(wireType);
      continue;
    }
    const sub = field.resolvedType;
    if (wireType !== 2 || !(sub instanceof protobuf.Type) || field.map) {
      reader.skipType(wireType);
      continue;
    }
    const inner = reader.bytes();
    const where = join(path, field.name);
    if (typeName(sub) === ANY) {
      const any = sub.decode(inner) as unknown as { type_url?: string; value?: Uint8Array };
      const target = anyTarget(any.type_url ?? '');
      if (!target)
        out.push({ path: where, rule: 'any_type', message: `Any of a type not loaded: "${any.type_url}"` });
      else unknownFields(target, any.value ?? new Uint8Array(), where, out);
    } else unknownFields(sub, inner, where, out);
  }
}

function has(msg: protobuf.Message, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, name);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || (v instanceof Uint8Array && v.length === 0);
}

function checkValue(
  field: protobuf.Field,
  value: unknown,
  rules: Rules | undefined,
  path: string,
  out: EnvoyViolation[],
): void {
  const sub = field.resolvedType;
  if (sub instanceof protobuf.Type) {
    const name = typeName(sub);
    const m = value as protobuf.Message & Record<string, any>;
    if (rules?.duration && name === 'google.protobuf.Duration') {
      const n = durationNanos(m as { seconds?: unknown; nanos?: unknown });
      const r = rules.duration;
      if (r.gt && !(n > durationNanos(r.gt)))
        out.push({ path, rule: 'duration.gt', message: 'duration too short' });
      if (r.gte && !(n >= durationNanos(r.gte)))
        out.push({ path, rule: 'duration.gte', message: 'duration too short' });
      if (r.lt && !(n < durationNanos(r.lt)))
        out.push({ path, rule: 'duration.lt', message: 'duration too long' });
      if (r.lte && !(n <= durationNanos(r.lte)))
        out.push({ path, rule: 'duration.lte', message: 'duration too long' });
    }
    if (rules && WRAPPERS.has(name)) {
      for (const message of scalarProblems(m.value, rules))
        out.push({ path, rule: Object.keys(rules)[0], message });
    }
    if (rules?.any && name === ANY) {
      const url = String(m.type_url ?? '');
      if (Array.isArray(rules.any.in) && !rules.any.in.includes(url))
        out.push({ path, rule: 'any.in', message: `type ${url} not allowed` });
    }
    if (rules?.message?.skip) return;
    if (name === ANY) {
      const target = anyTarget(String(m.type_url ?? ''));
      if (target) validateMessage(target, target.decode(m.value ?? new Uint8Array()), path, out);
      return;
    }
    validateMessage(sub, m, path, out);
    return;
  }
  if (sub instanceof protobuf.Enum) {
    const v = typeof value === 'number' ? value : 0;
    if (rules?.enum?.defined_only && sub.valuesById[v] === undefined) {
      out.push({ path, rule: 'enum.defined_only', message: `${v} is not a value of ${sub.name}` });
    }
    if (Array.isArray(rules?.enum?.in) && !rules.enum.in.includes(v))
      out.push({ path, rule: 'enum.in', message: `${v} not allowed` });
    if (Array.isArray(rules?.enum?.not_in) && rules.enum.not_in.includes(v))
      out.push({ path, rule: 'enum.not_in', message: `${v} not allowed` });
    return;
  }
  if (!rules) return;
  const kind = Object.keys(rules).find((k) => k !== 'repeated' && k !== 'map');
  if (kind && rules[kind]?.ignore_empty && isEmpty(value)) return;
  for (const message of scalarProblems(value, rules)) out.push({ path, rule: kind ?? 'scalar', message });
}

function validateMessage(
  type: protobuf.Type,
  msg: protobuf.Message & Record<string, any>,
  path: string,
  out: EnvoyViolation[],
): void {
  if (messageDisabled(type)) return;
  for (const oneof of type.oneofsArray) {
    if (oneofRequired(oneof) && !oneof.fieldsArray.some((f) => has(msg, f.name))) {
      out.push({
        path: join(path, oneof.name),
        rule: 'oneof.required',
        message: `one of ${oneof.oneof.join(', ')} is required`,
      });
    }
  }
  for (const field of type.fieldsArray) {
    const rules = fieldRules(field);
    const where = join(path, field.name);
    const present = has(msg, field.name);
    if (field.partOf && !present) continue;
    if (field.repeated) {
      const items: unknown[] = present ? (msg[field.name] as unknown[]) : [];
      const r = rules?.repeated;
      if (r?.min_items !== undefined && items.length < Number(r.min_items)) {
        out.push({ path: where, rule: 'repeated.min_items', message: `needs at least ${r.min_items} items` });
      }
      if (r?.max_items !== undefined && items.length > Number(r.max_items)) {
        out.push({ path: where, rule: 'repeated.max_items', message: `allows at most ${r.max_items} items` });
      }
      if (r?.unique && new Set(items.map((i) => JSON.stringify(i))).size !== items.length) {
        out.push({ path: where, rule: 'repeated.unique', message: 'items must be unique' });
      }
      items.forEach((item, i) => checkValue(field, item, r?.items, `${where}[${i}]`, out));
      continue;
    }
    if (field.map) {
      const entries = present ? Object.entries(msg[field.name] as Record<string, unknown>) : [];
      const r = rules?.map;
      if (r?.min_pairs !== undefined && entries.length < Number(r.min_pairs)) {
        out.push({ path: where, rule: 'map.min_pairs', message: `needs at least ${r.min_pairs} entries` });
      }
      for (const [k, v] of entries) checkValue(field, v, r?.values, `${where}[${k}]`, out);
      continue;
    }
    if (field.resolvedType instanceof protobuf.Type) {
      if (!present) {
        const required =
          rules?.message?.required ||
          rules?.duration?.required ||
          rules?.any?.required ||
          rules?.timestamp?.required;
        if (required) out.push({ path: where, rule: 'message.required', message: 'is required' });
        continue;
      }
      checkValue(field, msg[field.name], rules, where, out);
      continue;
    }
    // proto3 `optional` scalars are checked only when set.
    if (field.options?.proto3_optional && !present) continue;
    checkValue(field, msg[field.name], rules, where, out);
  }
}

/**
 * Violations of Envoy's own validation annotations (protoc-gen-validate rules read from the loaded
 * protos) and unknown fields in an encoded Envoy message. Empty means Envoy would accept it as far as
 * these checks go.
 */
export function checkEnvoyMessage(typeUrl: string, bytes: Uint8Array): EnvoyViolation[] {
  const type = envoyRoot().lookupType(messageNameOf(typeUrl));
  const out: EnvoyViolation[] = [];
  unknownFields(type, bytes, '', out);
  validateMessage(type, type.decode(bytes) as protobuf.Message & Record<string, any>, '', out);
  return out;
}

/** Encode a plain object (as `encodeMessage` takes it) and check it. */
export function checkEnvoyObject(typeUrl: string, value: Record<string, unknown>): EnvoyViolation[] {
  return checkEnvoyMessage(typeUrl, encodeMessage(typeUrl, value));
}
