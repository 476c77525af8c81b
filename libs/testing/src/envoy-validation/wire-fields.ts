import protobuf from 'protobufjs';
import { ANY, anyTarget } from './any-type.js';
import { joinPath, typeName, type EnvoyViolation } from './violation.js';

const LENGTH_DELIMITED = 2;

function anyFields(any: protobuf.Type, bytes: Uint8Array, path: string, out: EnvoyViolation[]): void {
  const { type_url: url = '', value = new Uint8Array() } = any.decode(bytes) as unknown as {
    type_url?: string;
    value?: Uint8Array;
  };
  const target = anyTarget(any.root, url);
  if (target) unknownFields(target, value, path, out);
  else out.push({ path, rule: 'any_type', message: `Any of a type not loaded: "${url}"` });
}

function messageFields(type: protobuf.Type, bytes: Uint8Array, path: string, out: EnvoyViolation[]): void {
  if (typeName(type) === ANY) anyFields(type, bytes, path, out);
  else unknownFields(type, bytes, path, out);
}

/** A map entry on the wire is a message { key = 1; value = 2 }: walk the value when it is a message. */
function mapEntry(field: protobuf.MapField, bytes: Uint8Array, path: string, out: EnvoyViolation[]): void {
  const reader = protobuf.Reader.create(bytes);
  let key = '';
  let value: Uint8Array | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | LENGTH_DELIMITED) && field.keyType === 'string') key = reader.string();
    else if (tag === ((2 << 3) | LENGTH_DELIMITED)) value = reader.bytes();
    else reader.skipType(tag & 7);
  }
  const sub = field.resolvedType;
  if (value && sub instanceof protobuf.Type) messageFields(sub, value, `${path}[${key}]`, out);
}

/**
 * Walks the wire bytes against the type's descriptors: a field number the type does not declare (at
 * any depth, inside `Any` and map values too) is an unknown field, which protobufjs would drop on decode.
 */
export function unknownFields(
  type: protobuf.Type,
  bytes: Uint8Array,
  path: string,
  out: EnvoyViolation[],
): void {
  const reader = protobuf.Reader.create(bytes);
  // Items of a repeated field arrive in order: count them for the path.
  const count = new Map<number, number>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[id];
    if (!field) {
      out.push({
        path: joinPath(path, `#${id}`),
        rule: 'known_field',
        message: `unknown field ${id} in ${typeName(type)}`,
      });
      reader.skipType(wireType);
      continue;
    }
    const sub = field.resolvedType;
    if (wireType !== LENGTH_DELIMITED || !(sub instanceof protobuf.Type)) {
      reader.skipType(wireType);
      continue;
    }
    const inner = reader.bytes();
    const index = count.get(id) ?? 0;
    count.set(id, index + 1);
    const where = joinPath(path, field.repeated ? `${field.name}[${index}]` : field.name);
    if (field instanceof protobuf.MapField) mapEntry(field, inner, where, out);
    else messageFields(sub, inner, where, out);
  }
}
