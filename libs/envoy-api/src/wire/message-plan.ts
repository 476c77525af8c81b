import protobuf from 'protobufjs';
import { tagOf, WireType } from './wire-type.js';

export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'enum';

const WIRE_TYPE_OF: Record<ScalarKind, WireType> = {
  double: WireType.Fixed64,
  float: WireType.Fixed32,
  int32: WireType.Varint,
  uint32: WireType.Varint,
  sint32: WireType.Varint,
  fixed32: WireType.Fixed32,
  sfixed32: WireType.Fixed32,
  int64: WireType.Varint,
  uint64: WireType.Varint,
  sint64: WireType.Varint,
  fixed64: WireType.Fixed64,
  sfixed64: WireType.Fixed64,
  bool: WireType.Varint,
  string: WireType.LengthDelimited,
  bytes: WireType.LengthDelimited,
  enum: WireType.Varint,
};

export function wireTypeOf(kind: ScalarKind): WireType {
  return WIRE_TYPE_OF[kind];
}

export interface FieldPlan {
  name: string;
  id: number;
  /** The tag written before each element: field number and wire type. */
  tag: number;
  repeated: boolean;
  /** Repeated scalars written as one length-delimited run (proto3's default). */
  packed: boolean;
  scalar?: ScalarKind;
  message?: MessagePlan;
  enumValues?: Readonly<Record<string, number>>;
  map?: { keyKind: ScalarKind; value: FieldPlan };
}

export interface MessagePlan {
  fullName: string;
  fields: Map<string, FieldPlan>;
  /** google.protobuf.Any: also takes `{ '@type': url, ...fields }`. */
  isAny: boolean;
  /** Key lists seen lately (keys with a value, in object order) and their fields in number order. */
  shapes: MessageShape[];
}

export interface MessageShape {
  keys: string[];
  fields: FieldPlan[];
}

const plans = new WeakMap<protobuf.Type, MessagePlan>();

/**
 * What the encoder needs to know of a message type, read once from protobufjs's reflection: per
 * field name, its number, wire form and nested plan. Plans are shared and may be cyclic.
 */
export function messagePlan(type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  plan = { fullName: type.fullName.replace(/^\./, ''), fields: new Map(), isAny: false, shapes: [] };
  plan.isAny = plan.fullName === 'google.protobuf.Any';
  plans.set(type, plan);
  for (const field of type.fieldsArray) plan.fields.set(field.name, fieldPlan(field.resolve()));
  return plan;
}

function fieldPlan(field: protobuf.Field): FieldPlan {
  if (field.delimited) throw new Error(`${field.fullName}: proto2 groups are not supported`);
  if (field instanceof protobuf.MapField) {
    // A map entry is a message { key = 1; value = 2 }; the field's own type is the value's.
    const value = valuePlan(field, 2, false);
    return {
      name: field.name,
      id: field.id,
      tag: tagOf(field.id, WireType.LengthDelimited),
      repeated: false,
      packed: false,
      map: { keyKind: field.keyType as ScalarKind, value },
    };
  }
  return valuePlan(field, field.id, field.repeated);
}

function valuePlan(field: protobuf.Field, id: number, repeated: boolean): FieldPlan {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    return {
      name: field.name,
      id,
      tag: tagOf(id, WireType.LengthDelimited),
      repeated,
      packed: false,
      message: messagePlan(resolved),
    };
  }
  const scalar: ScalarKind = resolved instanceof protobuf.Enum ? 'enum' : (field.type as ScalarKind);
  if (!(scalar in WIRE_TYPE_OF)) throw new Error(`${field.fullName}: unknown type ${field.type}`);
  const packed = repeated && field.packed && scalar !== 'string' && scalar !== 'bytes';
  const wire = packed ? WireType.LengthDelimited : WIRE_TYPE_OF[scalar];
  return {
    name: field.name,
    id,
    tag: tagOf(id, wire),
    repeated,
    packed,
    scalar,
    ...(resolved instanceof protobuf.Enum ? { enumValues: resolved.values } : {}),
  };
}
