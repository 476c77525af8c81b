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

const TWO_32 = 2 ** 32;

/**
 * A version for a whole type: the sum, modulo 2^64, of its resources' versions (each a hash of bytes
 * that include the name). Order-free, so one changed resource updates it in O(1): subtract the old
 * version, add the new. Kept as two 32-bit halves in plain numbers: a BigInt per resource was a
 * visible share of a 10,000-host compile.
 */
export class TypeVersion {
  private hi = 0;
  private lo = 0;

  add(version: string): void {
    this.lo += parseInt(version.slice(8, 16), 16);
    const carry = this.lo >= TWO_32 ? 1 : 0;
    this.lo -= carry * TWO_32;
    this.hi = (this.hi + parseInt(version.slice(0, 8), 16) + carry) % TWO_32;
  }

  remove(version: string): void {
    this.lo -= parseInt(version.slice(8, 16), 16);
    const borrow = this.lo < 0 ? 1 : 0;
    this.lo += borrow * TWO_32;
    this.hi = (this.hi - parseInt(version.slice(0, 8), 16) - borrow + 2 * TWO_32) % TWO_32;
  }

  clone(): TypeVersion {
    const c = new TypeVersion();
    c.hi = this.hi;
    c.lo = this.lo;
    return c;
  }

  toString(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

export function typeVersion(resources: readonly CompiledResource[]): string {
  const v = new TypeVersion();
  for (const r of resources) v.add(r.version);
  return v.toString();
}
