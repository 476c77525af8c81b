import type protobuf from 'protobufjs';
import {
  messagePlan,
  wireTypeOf,
  type FieldPlan,
  type MessagePlan,
  type MessageShape,
  type ScalarKind,
} from './message-plan.js';
import { tagOf, WireType } from './wire-type.js';
import { WireWriter } from './wire-writer.js';

/** A value that does not fit its field; `path` runs from the top message to the field. */
export class WireEncodeError extends Error {
  readonly path: string[] = [];

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WireEncodeError';
  }
}

/**
 * A message encoded ahead of time, placed where a field of its type is expected: translators use
 * it for parts every resource repeats (config sources, filter lists), encoded once, copied after.
 */
export class EncodedMessage {
  constructor(
    readonly typeName: string,
    readonly bytes: Buffer,
  ) {}
}

const MAX_DEPTH = 100;
/** Shapes remembered per message type; a type built several ways cycles through a few. */
const MAX_SHAPES = 8;
/** google.protobuf.Any's fields: type_url = 1, value = 2. */
const TYPE_URL_TAG = tagOf(1, WireType.LengthDelimited);
const ANY_VALUE_TAG = tagOf(2, WireType.LengthDelimited);
const UINT64_MASK = (1n << 64n) - 1n;

function fail(reason: string): never {
  throw new WireEncodeError(reason);
}

/** int64-family values as their unsigned 64-bit two's complement: number, decimal string, bigint or Long. */
function toUint64(value: unknown): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(`expected an integer, got ${value}`);
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = BigInt(value);
  else if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    n = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  } else fail(`expected a 64-bit integer, got ${JSON.stringify(value)}`);
  return n & UINT64_MASK;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return fail(`expected a number, got ${JSON.stringify(value)}`);
}

/**
 * Encodes plain objects (snake_case field names, enums as numbers or names, wrappers as `{ value }`,
 * `Any` as `{ type_url, value }` or `{ '@type': url, ...fields }`) straight into protobuf bytes, with
 * the bytes protobufjs writes for the same message (fields in number order). Unlike protobufjs, a key
 * that is not a field of its message is an error rather than silently dropped.
 */
export class WireEncoder {
  private readonly writer = new WireWriter();
  private readonly anyPlans = new Map<string, MessagePlan>();
  /** Per nesting depth, the keys (with values) of the message being written there. */
  private readonly keys: string[][] = [];

  constructor(private readonly root: protobuf.Root) {}

  encode(type: protobuf.Type, value: Record<string, unknown>): Buffer {
    const plan = messagePlan(type);
    const w = this.writer;
    w.reset();
    try {
      this.message(plan, value, 0, false);
    } catch (e) {
      if (e instanceof WireEncodeError) {
        e.message = `${plan.fullName}${e.path.length > 0 ? `.${e.path.join('.')}` : ''}: ${e.reason}`;
      }
      throw e;
    }
    return w.finish();
  }

  private planOfTypeUrl(url: string): MessagePlan {
    let plan = this.anyPlans.get(url);
    if (!plan) {
      const name = url.slice(url.lastIndexOf('/') + 1);
      let type: protobuf.Type;
      try {
        type = this.root.lookupType(name);
      } catch {
        return fail(`'@type' ${url} is not a loaded message type`);
      }
      plan = messagePlan(type);
      this.anyPlans.set(url, plan);
    }
    return plan;
  }

  private message(plan: MessagePlan, obj: Record<string, unknown>, depth: number, typedAny: boolean): void {
    if (depth > MAX_DEPTH) fail('messages nested too deeply');
    if (plan.isAny && typeof obj['@type'] === 'string') {
      this.typedAny(obj, depth);
      return;
    }
    const keys = (this.keys[depth] ??= []);
    let count = 0;
    for (const k in obj) {
      if (obj[k] == null) continue;
      if (k === '@type' && typedAny) continue;
      keys[count++] = k;
    }
    const fields = this.shape(plan, keys, count).fields;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      try {
        this.field(field, obj[field.name], depth);
      } catch (e) {
        if (e instanceof WireEncodeError) e.path.unshift(field.name);
        throw e;
      }
    }
  }

  /**
   * The fields for a list of keys, in number order (protobufjs's order; matching it keeps content
   * hashes stable). Translators build few shapes per type, so the answer is usually remembered:
   * comparing interned key strings is much cheaper than a lookup and a sort per message.
   */
  private shape(plan: MessagePlan, keys: string[], count: number): MessageShape {
    for (const shape of plan.shapes) {
      if (shape.keys.length !== count) continue;
      let same = true;
      for (let i = 0; i < count && same; i++) same = shape.keys[i] === keys[i];
      if (same) return shape;
    }
    const fields: FieldPlan[] = [];
    for (let i = 0; i < count; i++) {
      const k = keys[i];
      const field = plan.fields.get(k);
      if (!field) {
        const problem = new WireEncodeError(
          k === '@type' ? `'@type' outside a google.protobuf.Any` : `${plan.fullName} has no field ${k}`,
        );
        problem.path.push(k);
        throw problem;
      }
      fields.push(field);
    }
    fields.sort((a, b) => a.id - b.id);
    const shape = { keys: keys.slice(0, count), fields };
    if (plan.shapes.length >= MAX_SHAPES) plan.shapes.pop();
    plan.shapes.unshift(shape);
    return shape;
  }

  /** `{ '@type': url, ...fields }`: an Any whose value is those fields encoded as the named type. */
  private typedAny(obj: Record<string, unknown>, depth: number): void {
    const url = obj['@type'] as string;
    const w = this.writer;
    w.uint32(TYPE_URL_TAG);
    w.string(url);
    w.uint32(ANY_VALUE_TAG);
    const start = w.beginDelimited();
    this.message(this.planOfTypeUrl(url), obj, depth + 1, true);
    w.endDelimited(start);
  }

  private field(field: FieldPlan, value: unknown, depth: number): void {
    const w = this.writer;
    if (field.map) {
      this.map(field, value, depth);
      return;
    }
    if (!field.repeated) {
      w.uint32(field.tag);
      this.value(field, value, depth);
      return;
    }
    if (!Array.isArray(value)) fail('expected a list');
    if (value.length === 0) return;
    if (field.packed) {
      w.uint32(field.tag);
      const start = w.beginDelimited();
      for (const item of value) this.scalar(field, item);
      w.endDelimited(start);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      if (value[i] == null) fail(`item ${i} is empty`);
      w.uint32(field.tag);
      try {
        this.value(field, value[i], depth);
      } catch (e) {
        if (e instanceof WireEncodeError) e.path.unshift(String(i));
        throw e;
      }
    }
  }

  private value(field: FieldPlan, value: unknown, depth: number): void {
    if (!field.message) {
      this.scalar(field, value);
      return;
    }
    if (value instanceof EncodedMessage) {
      if (value.typeName !== field.message.fullName) {
        fail(`expected ${field.message.fullName}, got an encoded ${value.typeName}`);
      }
      this.writer.bytes(value.bytes);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a message');
    const start = this.writer.beginDelimited();
    this.message(field.message, value as Record<string, unknown>, depth + 1, false);
    this.writer.endDelimited(start);
  }

  private map(field: FieldPlan, value: unknown, depth: number): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a map');
    const { keyKind, value: entry } = field.map!;
    const w = this.writer;
    const keyTag = tagOf(1, wireTypeOf(keyKind));
    for (const k of Object.keys(value)) {
      w.uint32(field.tag);
      const start = w.beginDelimited();
      w.uint32(keyTag);
      this.scalarOf(keyKind, undefined, keyKind === 'bool' ? k === 'true' : k);
      w.uint32(entry.tag);
      try {
        this.value(entry, (value as Record<string, unknown>)[k], depth);
      } catch (e) {
        if (e instanceof WireEncodeError) e.path.unshift(k);
        throw e;
      }
      w.endDelimited(start);
    }
  }

  private scalar(field: FieldPlan, value: unknown): void {
    this.scalarOf(field.scalar!, field.enumValues, value);
  }

  private scalarOf(
    kind: ScalarKind,
    enumValues: Readonly<Record<string, number>> | undefined,
    value: unknown,
  ): void {
    const w = this.writer;
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') fail(`expected a string, got ${JSON.stringify(value)}`);
        w.string(value);
        return;
      case 'bool':
        if (typeof value !== 'boolean') fail(`expected a boolean, got ${JSON.stringify(value)}`);
        w.uint32(value ? 1 : 0);
        return;
      case 'uint32':
        w.uint32(toNumber(value));
        return;
      case 'int32':
        w.int32(toNumber(value));
        return;
      case 'sint32':
        w.sint32(toNumber(value));
        return;
      case 'enum':
        if (typeof value === 'string') {
          const n = enumValues?.[value];
          if (n === undefined) fail(`${value} is not a value of this enum`);
          w.int32(n);
        } else w.int32(toNumber(value));
        return;
      case 'fixed32':
      case 'sfixed32':
        w.fixed32(toNumber(value));
        return;
      case 'float':
        w.float(toNumber(value));
        return;
      case 'double':
        w.double(toNumber(value));
        return;
      case 'int64':
      case 'uint64':
        if (typeof value === 'number' && value >= 0 && value <= 0xffffffff && Number.isInteger(value)) {
          w.uint32(value);
        } else w.varint64(toUint64(value));
        return;
      case 'sint64':
        w.sint64(toUint64(value));
        return;
      case 'fixed64':
      case 'sfixed64':
        w.fixed64(toUint64(value));
        return;
      case 'bytes':
        if (typeof value === 'string') w.bytes(Buffer.from(value, 'base64'));
        else if (value instanceof Uint8Array) w.bytes(value);
        else fail('expected bytes (a Buffer, Uint8Array or base64 string)');
        return;
    }
  }
}
