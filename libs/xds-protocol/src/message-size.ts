import { varintSize } from '#keyway/envoy-api';
import type { AnyResource, DeltaResource } from './wire.js';

/** gRPC's default maximum message size, which Envoy and grpc clients enforce on receipt. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

// The one varint size (libs/envoy-api's byte writer), re-exported where message sizes are summed.
export { varintSize };

/** A length-delimited field of `length` bytes (every field number keyway writes is below 16: one tag byte). */
export function lengthDelimitedSize(length: number): number {
  return length === 0 ? 0 : 1 + varintSize(length) + length;
}

function stringSize(value: string): number {
  return lengthDelimitedSize(Buffer.byteLength(value, 'utf8'));
}

function anyBodySize(any: AnyResource): number {
  return stringSize(any.type_url) + lengthDelimitedSize(any.value.length);
}

/** Bytes an `Any` adds to a repeated `resources` field (tag, length prefix, body). */
export function anyFieldSize(any: AnyResource): number {
  const body = anyBodySize(any);
  return 1 + varintSize(body) + body;
}

/** Bytes a delta `Resource` adds to a repeated `resources` field. */
export function deltaResourceFieldSize(resource: DeltaResource): number {
  const anyBody = anyBodySize(resource.resource);
  const body = stringSize(resource.name) + stringSize(resource.version) + 1 + varintSize(anyBody) + anyBody;
  return 1 + varintSize(body) + body;
}

/** Bytes a string adds to a repeated string field (e.g. `removed_resources`); empty strings still count. */
export function repeatedStringFieldSize(value: string): number {
  const length = Buffer.byteLength(value, 'utf8');
  return 1 + varintSize(length) + length;
}

/** The scalar header fields of a response: type_url, version, nonce. */
export function headerSize(typeUrl: string, version: string, nonce: string): number {
  return stringSize(typeUrl) + stringSize(version) + stringSize(nonce);
}
