import { hash } from 'node:crypto';
import { encodeWire } from '#keyway/envoy-api';

export interface CompiledResource {
  typeUrl: string;
  name: string;
  /** sha256 hex of the encoded bytes, first 16 characters. */
  version: string;
  bytes: Buffer;
}

export function resourceVersion(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex').slice(0, 16);
}

/**
 * Encodes a translator's plain object straight to bytes (libs/envoy-api's wire encoder: no verify or
 * fromObject copies, which cost most of a 10,000-host compile with protobufjs, and keys that are not
 * fields are refused). The golden tests decode every output and run it through the Envoy validation
 * checker, so a wrong shape cannot pass unnoticed.
 */
export function compileResource(typeUrl: string, resource: Record<string, unknown>): CompiledResource {
  const bytes = encodeWire(typeUrl, resource);
  return {
    typeUrl,
    name: String(resource.name ?? resource.cluster_name),
    version: resourceVersion(bytes),
    bytes,
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
