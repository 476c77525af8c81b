import type protobuf from 'protobufjs';
import { encodeMessage, envoyRoot, messageNameOf } from '#keyway/envoy-api';
import { readMessageJson } from './proto-json.js';
import { validateMessage } from './validate-message.js';
import type { EnvoyViolation } from './violation.js';
import { unknownFields } from './wire-fields.js';

/**
 * Violations of a message's own validation annotations (protoc-gen-validate rules read from the loaded
 * protos), unknown fields and deprecated fields in its encoded bytes. `type` may come from any root:
 * an `Any` is resolved in that root.
 */
export function checkMessageBytes(type: protobuf.Type, bytes: Uint8Array): EnvoyViolation[] {
  const out: EnvoyViolation[] = [];
  unknownFields(type, bytes, '', out);
  validateMessage(type, type.decode(bytes) as protobuf.Message & Record<string, any>, '', out);
  return out;
}

/**
 * Envoy's YAML/JSON form (proto3 JSON), read as Envoy reads it and then checked as encoded: what the
 * reader refuses, then what the rules refuse in whatever it could read.
 */
export function checkMessageJson(type: protobuf.Type, json: unknown): EnvoyViolation[] {
  const read = readMessageJson(type, json);
  const problem = type.verify(read.object);
  if (problem) return [...read.violations, { path: '', rule: 'encode', message: problem }];
  return [...read.violations, ...checkMessageBytes(type, type.encode(type.fromObject(read.object)).finish())];
}

/** Empty means Envoy would accept the encoded message, as far as these checks go. */
export function checkEnvoyMessage(typeUrl: string, bytes: Uint8Array): EnvoyViolation[] {
  return checkMessageBytes(envoyRoot().lookupType(messageNameOf(typeUrl)), bytes);
}

/** Encode a plain object (as `encodeMessage` takes it) and check it. */
export function checkEnvoyObject(typeUrl: string, value: Record<string, unknown>): EnvoyViolation[] {
  return checkEnvoyMessage(typeUrl, encodeMessage(typeUrl, value));
}

/** Check Envoy config in its YAML/JSON form (a bootstrap, a resource as `envoy --mode validate` reads it). */
export function checkEnvoyJson(typeUrl: string, json: unknown): EnvoyViolation[] {
  return checkMessageJson(envoyRoot().lookupType(messageNameOf(typeUrl)), json);
}
