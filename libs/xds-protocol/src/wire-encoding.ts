import { varintSize } from './message-size.js';
import type { AnyResource, DeltaDiscoveryResponse, DeltaResource, DiscoveryResponse } from './wire.js';

/**
 * Hand-written protobuf encoders for the two response messages a server writes on every push.
 * They carry strings and already-encoded resources only, so encoding is copying bytes; an `Any`
 * is encoded once per resource and reused for every stream that sends it, which is what makes a
 * fan-out to thousands of streams cost about as much as writing one pre-encoded message.
 */

const anyCache = new WeakMap<Buffer, { typeUrl: string; field: Buffer }>();

class ByteWriter {
  readonly buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  varint(value: number): void {
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }
  bytes(field: number, value: Buffer): void {
    this.buf[this.pos++] = (field << 3) | 2;
    this.varint(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
  }
  /** A string field whose UTF-8 length the caller measured (it sized the buffer with it). */
  string(field: number, value: string, byteLength: number): void {
    this.buf[this.pos++] = (field << 3) | 2;
    this.varint(byteLength);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }
  raw(value: Buffer): void {
    value.copy(this.buf, this.pos);
    this.pos += value.length;
  }
  finish(): Buffer {
    if (this.pos !== this.buf.length)
      throw new Error(`encoder: wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

/** Length-delimited field: tag, length, bytes (empty strings are omitted, as proto3 does). */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function stringField(field: number, value: string): Buffer {
  const length = Buffer.byteLength(value, 'utf8');
  const w = new ByteWriter(fieldSize(length));
  w.string(field, value, length);
  return w.finish();
}

function optionalString(field: number, value: string): Buffer | undefined {
  return value ? stringField(field, value) : undefined;
}

function anyBody(any: AnyResource): Buffer {
  const typeUrl = Buffer.from(any.type_url, 'utf8');
  const size =
    (typeUrl.length ? fieldSize(typeUrl.length) : 0) + (any.value.length ? fieldSize(any.value.length) : 0);
  const w = new ByteWriter(size);
  if (typeUrl.length) w.bytes(1, typeUrl);
  if (any.value.length) w.bytes(2, any.value);
  return w.finish();
}

/** `resources` field 2 holding this Any: cached per resource buffer. */
function anyField(any: AnyResource): Buffer {
  const cached = anyCache.get(any.value);
  if (cached && cached.typeUrl === any.type_url) return cached.field;
  const body = anyBody(any);
  const w = new ByteWriter(fieldSize(body.length));
  w.bytes(2, body);
  const field = w.finish();
  anyCache.set(any.value, { typeUrl: any.type_url, field });
  return field;
}

/**
 * Encoded `field: string` entries for the strings every stream repeats (version_info, type_url,
 * system_version_info): a push to thousands of streams encodes each once. Bounded: cleared when full.
 */
const stringFields = new Map<number, Map<string, Buffer>>();
const STRING_FIELD_CACHE = 4096;

function cachedStringField(field: number, value: string): Buffer | undefined {
  if (!value) return undefined;
  let byValue = stringFields.get(field);
  if (!byValue) stringFields.set(field, (byValue = new Map()));
  let encoded = byValue.get(value);
  if (!encoded) {
    if (byValue.size >= STRING_FIELD_CACHE) byValue.clear();
    encoded = stringField(field, value);
    byValue.set(value, encoded);
  }
  return encoded;
}

/** Parts in order, copied into one buffer: the only allocation of a response beyond cached parts. */
function join(parts: (Buffer | undefined)[], nonceField: number, nonce: string): Buffer {
  let size = 0;
  for (const p of parts) if (p) size += p.length;
  const nonceBytes = nonce ? Buffer.byteLength(nonce, 'utf8') : 0;
  if (nonce) size += fieldSize(nonceBytes);
  const w = new ByteWriter(size);
  for (const p of parts) if (p) w.raw(p);
  if (nonce) w.string(nonceField, nonce, nonceBytes);
  return w.finish();
}

/** `envoy.service.discovery.v3.DiscoveryResponse` (version_info, resources, type_url, nonce). */
export function encodeDiscoveryResponse(response: DiscoveryResponse): Buffer {
  const parts: (Buffer | undefined)[] = [cachedStringField(1, response.version_info)];
  for (const r of response.resources) parts.push(anyField(r));
  parts.push(cachedStringField(4, response.type_url));
  return join(parts, 5, response.nonce);
}

function deltaResourceField(resource: DeltaResource): Buffer {
  const any = anyField(resource.resource); // tag 2 + Any body: exactly Resource.resource (field 2)
  const name = optionalString(3, resource.name);
  const version = optionalString(1, resource.version);
  const body = Buffer.concat([version, any, name].filter((p): p is Buffer => p !== undefined));
  const w = new ByteWriter(fieldSize(body.length));
  w.bytes(2, body);
  return w.finish();
}

/** `envoy.service.discovery.v3.DeltaDiscoveryResponse`. */
export function encodeDeltaDiscoveryResponse(response: DeltaDiscoveryResponse): Buffer {
  const parts: (Buffer | undefined)[] = [cachedStringField(1, response.system_version_info)];
  for (const r of response.resources) parts.push(deltaResourceField(r));
  parts.push(cachedStringField(4, response.type_url));
  // Removed names come after the nonce (field 6); repeated strings keep empty values.
  const tail = response.removed_resources.map((name) => stringField(6, name));
  if (tail.length === 0) return join(parts, 5, response.nonce);
  return Buffer.concat([join(parts, 5, response.nonce), ...tail]);
}
