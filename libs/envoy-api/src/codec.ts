import type protobuf from 'protobufjs';
import { lookupMessage } from './proto-root.js';
import { messageNameOf } from './type-urls.js';

/** JSON-ish view of a decoded message: enums as names, 64-bit as strings, bytes as base64. */
export const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
  json: true,
};

export class EnvoyEncodeError extends Error {
  constructor(
    readonly typeUrl: string,
    readonly reason: string,
  ) {
    super(`${messageNameOf(typeUrl)}: ${reason}`);
    this.name = 'EnvoyEncodeError';
  }
}

/** Encode a plain object (snake_case fields, `Any` as `{ '@type': url, ... }`) as the given type. */
export function encodeMessage(typeUrl: string, value: Record<string, unknown>): Buffer {
  const type = lookupMessage(messageNameOf(typeUrl));
  const problem = type.verify(value);
  if (problem) throw new EnvoyEncodeError(typeUrl, problem);
  const message = type.fromObject(value);
  return Buffer.from(type.encode(message).finish());
}

export function decodeMessage(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = lookupMessage(messageNameOf(typeUrl));
  return type.toObject(type.decode(bytes), TO_OBJECT) as Record<string, unknown>;
}

/** A protobuf `Any` as grpc's proto-loader represents it on the wire objects. */
export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

export function packAny(typeUrl: string, value: Record<string, unknown>): AnyMessage {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, value) };
}
