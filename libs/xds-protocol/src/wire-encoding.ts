import { varintSize, WireType, WireWriter } from '#keyway/envoy-api';
import type { AnyResource, DeltaDiscoveryResponse, DeltaResource, DiscoveryResponse } from './wire.js';

/**
 * Hand-written protobuf encoders for the two response messages a server writes on every push.
 * They carry strings and already-encoded resources only, so encoding is copying bytes; an `Any`
 * is encoded once per resource and reused for every stream that sends it, which is what makes a
 * fan-out to thousands of streams cost about as much as writing one pre-encoded message.
 */

const LEN = WireType.LengthDelimited;
const anyCache = new WeakMap<Buffer, { typeUrl: string; field: Buffer }>();

/**
 * A length-delimited field: tag, length, bytes. Every field number here is below 16, so the tag
 * takes one byte. Each part is measured first and written by a writer of exactly that size.
 */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Empty strings and bytes are omitted, as proto3 does. */
function optionalFieldSize(length: number): number {
  return length === 0 ? 0 : fieldSize(length);
}

function writeString(w: WireWriter, field: number, value: string): void {
  w.tag(field, LEN);
  w.string(value);
}

function stringField(field: number, value: string): Buffer {
  const w = new WireWriter(fieldSize(Buffer.byteLength(value, 'utf8')));
  writeString(w, field, value);
  return w.take();
}

/** `resources` field 2 holding this Any (type_url 1, value 2): cached per resource buffer. */
function anyField(any: AnyResource): Buffer {
  const cached = anyCache.get(any.value);
  if (cached && cached.typeUrl === any.type_url) return cached.field;
  const typeUrlLength = Buffer.byteLength(any.type_url, 'utf8');
  const body = optionalFieldSize(typeUrlLength) + optionalFieldSize(any.value.length);
  const w = new WireWriter(fieldSize(body));
  w.tag(2, LEN);
  w.uint32(body);
  if (typeUrlLength) writeString(w, 1, any.type_url);
  if (any.value.length) {
    w.tag(2, LEN);
    w.bytes(any.value);
  }
  const field = w.take();
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
  if (nonce) size += fieldSize(Buffer.byteLength(nonce, 'utf8'));
  const w = new WireWriter(size);
  for (const p of parts) if (p) w.raw(p);
  if (nonce) writeString(w, nonceField, nonce);
  return w.take();
}

/** `envoy.service.discovery.v3.DiscoveryResponse` (version_info, resources, type_url, nonce). */
export function encodeDiscoveryResponse(response: DiscoveryResponse): Buffer {
  const parts: (Buffer | undefined)[] = [cachedStringField(1, response.version_info)];
  for (const r of response.resources) parts.push(anyField(r));
  parts.push(cachedStringField(4, response.type_url));
  return join(parts, 5, response.nonce);
}

/** A delta `Resource` (version 1, resource 2, name 3) as `resources` field 2. */
function deltaResourceField(resource: DeltaResource): Buffer {
  const any = anyField(resource.resource); // tag 2 + Any body: exactly Resource.resource (field 2)
  const version = Buffer.byteLength(resource.version, 'utf8');
  const name = Buffer.byteLength(resource.name, 'utf8');
  const body = optionalFieldSize(version) + any.length + optionalFieldSize(name);
  const w = new WireWriter(fieldSize(body));
  w.tag(2, LEN);
  w.uint32(body);
  if (version) writeString(w, 1, resource.version);
  w.raw(any);
  if (name) writeString(w, 3, resource.name);
  return w.take();
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
