import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { lookupMessage, messageNameOf, TypeUrl } from '#keyway/envoy-api';

export interface CompiledResource {
  typeUrl: string;
  name: string;
  /** sha256 hex of the encoded bytes, first 16 characters. */
  version: string;
  bytes: Buffer;
  /** The plain object that was encoded (snake_case, `Any` as `{ '@type': ... }`). */
  resource: Record<string, unknown>;
}

export function resourceVersion(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

const types = new Map<string, protobuf.Type>();

function typeOf(typeUrl: string): protobuf.Type {
  let type = types.get(typeUrl);
  if (!type) {
    type = lookupMessage(messageNameOf(typeUrl));
    types.set(typeUrl, type);
  }
  return type;
}

/**
 * Replaces every `{ '@type': url, ...fields }` with the `Any` it stands for: `{ type_url, value }`.
 * Copies only along the paths that hold one; everything else is returned as is.
 */
function packAnys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const packed = packAnys(value[i]);
      if (packed !== value[i] && !out) out = value.slice(0, i);
      if (out) out.push(packed);
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const typeUrl = obj['@type'];
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    if (k === '@type') continue;
    const packed = packAnys(obj[k]);
    if (packed !== obj[k] || typeUrl !== undefined) {
      out ??= copyWithout(obj, '@type');
      out[k] = packed;
    }
  }
  if (typeof typeUrl !== 'string') return out ?? value;
  return {
    type_url: typeUrl,
    value: typeOf(typeUrl)
      .encode(out ?? {})
      .finish(),
  };
}

function copyWithout(obj: Record<string, unknown>, skip: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in obj) if (k !== skip) out[k] = obj[k];
  return out;
}

/**
 * Encodes a translator's plain object directly (protobufjs encodes plain objects whose values have
 * the wire types: enums as numbers, wrappers as `{ value }`), skipping `encodeMessage`'s verify and
 * fromObject copies, which cost most of a 10,000-host compile. The golden tests decode every output
 * and run it through the Envoy validation checker, so a wrong shape cannot pass unnoticed.
 */
function encode(typeUrl: string, resource: Record<string, unknown>): Buffer {
  // Only Listeners carry `Any` (typed_config) in what the translators build; walking the other
  // types for them would be pure cost. An unpacked `Any` would show as an unloaded type in the
  // validation checker that every golden output goes through.
  const value = typeUrl === TypeUrl.Listener ? packAnys(resource) : resource;
  const bytes = typeOf(typeUrl)
    .encode(value as Record<string, unknown>)
    .finish();
  // protobufjs hands back a Buffer under Node: no copy needed.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

export function compileResource(typeUrl: string, resource: Record<string, unknown>): CompiledResource {
  const bytes = encode(typeUrl, resource);
  return {
    typeUrl,
    name: String(resource.name ?? resource.cluster_name),
    version: resourceVersion(bytes),
    bytes,
    resource,
  };
}

const MASK = (1n << 64n) - 1n;

/**
 * A version for a whole type: the sum, modulo 2^64, of its resources' versions (each a hash of bytes
 * that include the name). Order-free, so one changed resource updates it in O(1): subtract the old
 * version, add the new.
 */
export class TypeVersion {
  private sum = 0n;

  add(version: string): void {
    this.sum = (this.sum + BigInt(`0x${version}`)) & MASK;
  }

  remove(version: string): void {
    this.sum = (this.sum - BigInt(`0x${version}`)) & MASK;
  }

  clone(): TypeVersion {
    const c = new TypeVersion();
    c.sum = this.sum;
    return c;
  }

  toString(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

export function typeVersion(resources: readonly CompiledResource[]): string {
  const v = new TypeVersion();
  for (const r of resources) v.add(r.version);
  return v.toString();
}
