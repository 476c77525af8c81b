import type protobuf from 'protobufjs';
import { envoyRoot, lookupMessage } from '../proto-root.js';
import { messageNameOf } from '../type-urls.js';
import { EncodedMessage, WireEncoder } from './wire-encoder.js';

export { EncodedMessage, WireEncodeError, WireEncoder } from './wire-encoder.js';
export { varintSize } from './varint.js';
export { tagOf, WireType } from './wire-type.js';
export { WireWriter } from './wire-writer.js';

let encoder: WireEncoder | undefined;
const types = new Map<string, protobuf.Type>();

/**
 * Encodes a plain object as the Envoy type named by `typeUrl`, in the wire form translators build
 * (enums as numbers or names, wrappers as `{ value }`, `Any` as `{ '@type': url, ...fields }`). The
 * hot path of route compilation: no verify pass, no intermediate message objects, unknown keys refused.
 */
export function encodeWire(typeUrl: string, value: Record<string, unknown>): Buffer {
  let type = types.get(typeUrl);
  if (!type) {
    type = lookupMessage(messageNameOf(typeUrl));
    types.set(typeUrl, type);
  }
  encoder ??= new WireEncoder(envoyRoot());
  return encoder.encode(type, value);
}

let preEncoder: WireEncoder | undefined;

/**
 * `value` encoded now as the message type `fullName`, for use as a field value in objects given to
 * `encodeWire` later (its own encoder, so it may be called while preparing any other encoding).
 */
export function encodedMessage(fullName: string, value: Record<string, unknown>): EncodedMessage {
  preEncoder ??= new WireEncoder(envoyRoot());
  const type = lookupMessage(fullName);
  return new EncodedMessage(type.fullName.replace(/^\./, ''), preEncoder.encode(type, value));
}
