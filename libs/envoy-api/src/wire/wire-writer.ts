import { varint64Size, varintSize } from './varint.js';
import { tagOf, type WireType } from './wire-type.js';

const UINT64_MASK = (1n << 64n) - 1n;
const EMPTY = Buffer.alloc(0);

/**
 * keyway's one protobuf byte writer: a growable buffer written in place, used two ways.
 * - Reused, with `finish()` (the Envoy encoder): a nested message is written behind a one-byte
 *   length slot that is widened afterwards when the body turns out longer than 127 bytes, so
 *   encoding allocates nothing per field (protobufjs's Writer allocates an op per write).
 * - Sized to what it will write, with `take()` (xDS responses, measured first): it never grows and
 *   hands over its own buffer, so a response pushed to thousands of streams is copied once each.
 */
export class WireWriter {
  private buf: Buffer;
  pos = 0;

  constructor(size = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written since the last reset, sized to fit. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  /** The buffer itself, which must be exactly full (else a size was mismeasured); the writer is emptied. */
  take(): Buffer {
    if (this.pos !== this.buf.length) {
      throw new Error(`wire writer: wrote ${this.pos} of ${this.buf.length} bytes`);
    }
    const out = this.buf;
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  /** Room for `extra` more bytes. Callers ask for what they write, so a measured writer never grows. */
  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 64);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A varint of an unsigned value below 2^32 (higher bits are dropped, as protobufjs does). */
  uint32(value: number): void {
    let v = value >>> 0;
    // Five bytes is the most a 32-bit varint takes; the exact size is worked out only near the end.
    if (this.pos + 5 > this.buf.length) this.ensure(varintSize(v));
    const buf = this.buf;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** int32 on the wire: negative values are sign-extended to ten bytes. */
  int32(value: number): void {
    if (value >= 0) this.uint32(value);
    else this.varint64(BigInt.asUintN(64, BigInt(value | 0)));
  }

  /** Zigzag: small magnitudes of either sign take few bytes. */
  sint32(value: number): void {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** A 64-bit varint from its unsigned two's-complement value. */
  varint64(value: bigint): void {
    if (this.pos + 10 > this.buf.length) this.ensure(varint64Size(value));
    let v = value;
    while (v > 127n) {
      this.buf[this.pos++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** Zigzag over 64 bits, from the value's two's-complement bits. */
  sint64(value: bigint): void {
    const n = BigInt.asIntN(64, value);
    this.varint64(((n << 1n) ^ (n >> 63n)) & UINT64_MASK);
  }

  /** A field's tag: its number and wire type, as a varint. */
  tag(fieldNumber: number, wireType: WireType): void {
    this.uint32(tagOf(fieldNumber, wireType));
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(value, this.pos);
    this.pos += 8;
  }

  float(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed UTF-8. Short ASCII strings, nearly every string in Envoy config, skip the codec. */
  string(value: string): void {
    const n = value.length;
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      buf[start] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 127) break;
        buf[start + 1 + i] = c;
      }
      if (i === n) {
        this.pos = start + 1 + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.uint32(bytes);
    this.ensure(bytes);
    this.buf.write(value, this.pos, bytes, 'utf8');
    this.pos += bytes;
  }

  /** Length-prefixed bytes. */
  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.raw(value);
  }

  /** Bytes already in wire form (whole encoded fields), copied as they are. */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Reserves the length slot of a length-delimited field; returns where its body starts. */
  beginDelimited(): number {
    this.ensure(1);
    this.pos += 1;
    return this.pos;
  }

  /** Writes the body's length into the slot, widening it (moving the body) when one byte is short. */
  endDelimited(start: number): void {
    const length = this.pos - start;
    if (length < 128) {
      this.buf[start - 1] = length;
      return;
    }
    const widen = varintSize(length) - 1;
    this.ensure(widen);
    this.buf.copyWithin(start + widen, start, this.pos);
    const end = this.pos + widen;
    this.pos = start - 1;
    this.uint32(length);
    this.pos = end;
  }
}
