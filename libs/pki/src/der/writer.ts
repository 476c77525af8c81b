import { DerError } from '../errors.js';
import { encodeOidContent } from './oid.js';
import { Tag, contextTag } from './tags.js';

/**
 * A constructed value whose children are encoded only once, into a single buffer, by `encodeDer`:
 * building a certificate allocates the primitives and one output buffer, not a copy per nesting level.
 */
export interface DerConstructed {
  readonly tag: number;
  readonly items: readonly DerNode[];
  /** Content length, filled in by `encodeDer`. */
  len: number;
}

/** Either a complete encoded TLV (a primitive, or precomputed bytes) or a constructed value. */
export type DerNode = Buffer | DerConstructed;

function headerLength(len: number): number {
  return len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : len < 0x1000000 ? 5 : 6;
}

function writeHeader(buf: Buffer, off: number, tag: number, len: number): number {
  buf[off++] = tag;
  if (len < 0x80) {
    buf[off++] = len;
  } else if (len < 0x100) {
    buf[off++] = 0x81;
    buf[off++] = len;
  } else if (len < 0x10000) {
    buf[off++] = 0x82;
    buf[off++] = len >> 8;
    buf[off++] = len & 0xff;
  } else if (len < 0x1000000) {
    buf[off++] = 0x83;
    buf[off++] = len >> 16;
    buf[off++] = (len >> 8) & 0xff;
    buf[off++] = len & 0xff;
  } else {
    buf[off++] = 0x84;
    buf.writeUInt32BE(len, off);
    off += 4;
  }
  return off;
}

function measure(node: DerNode): number {
  if (node instanceof Uint8Array) return node.length;
  let len = 0;
  for (const item of node.items) len += measure(item);
  node.len = len;
  return headerLength(len) + len;
}

function write(node: DerNode, buf: Buffer, off: number): number {
  if (node instanceof Uint8Array) {
    buf.set(node, off);
    return off + node.length;
  }
  off = writeHeader(buf, off, node.tag, node.len);
  for (const item of node.items) off = write(item, buf, off);
  return off;
}

/** Encodes a node tree into one buffer. */
export function encodeDer(node: DerNode): Buffer {
  if (node instanceof Uint8Array) return node;
  const total = measure(node);
  const out = Buffer.allocUnsafe(total);
  write(node, out, 0);
  return out;
}

/** A primitive TLV with the given content octets. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const len = content.length;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  out.set(content, writeHeader(out, 0, tag, len));
  return out;
}

export function constructed(tag: number, items: readonly DerNode[]): DerConstructed {
  return { tag, items, len: -1 };
}

export function sequence(...items: DerNode[]): DerConstructed {
  return { tag: Tag.SEQUENCE, items, len: -1 };
}

/** SET OF: DER orders the elements by their encodings. */
export function set(...items: DerNode[]): DerConstructed {
  if (items.length < 2) return { tag: Tag.SET, items, len: -1 };
  const encoded = items.map(encodeDer).sort(Buffer.compare);
  return { tag: Tag.SET, items: encoded, len: -1 };
}

/** `[n] EXPLICIT` wrapper. */
export function explicit(n: number, ...items: DerNode[]): DerConstructed {
  return { tag: contextTag(n, true), items, len: -1 };
}

/** `[n] IMPLICIT` primitive (e.g. GeneralName dNSName, AKI keyIdentifier). */
export function implicitPrimitive(n: number, content: Uint8Array): Buffer {
  return tlv(contextTag(n, false), content);
}

const TRUE = Buffer.from([Tag.BOOLEAN, 1, 0xff]);
const FALSE = Buffer.from([Tag.BOOLEAN, 1, 0x00]);
export const DER_NULL = Buffer.from([Tag.NULL, 0]);

export function boolean(value: boolean): Buffer {
  return value ? TRUE : FALSE;
}

/** INTEGER from unsigned big-endian magnitude bytes: strips leading zeros, adds a sign octet if needed. */
export function integerFromUnsigned(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.subarray(start);
  if (body.length === 0) return Buffer.from([Tag.INTEGER, 1, 0]);
  if (body[0] & 0x80) {
    const out = Buffer.allocUnsafe(headerLength(body.length + 1) + body.length + 1);
    let off = writeHeader(out, 0, Tag.INTEGER, body.length + 1);
    out[off++] = 0;
    out.set(body, off);
    return out;
  }
  return tlv(Tag.INTEGER, body);
}

/** INTEGER from a (possibly negative) number or bigint, minimal two's complement. */
export function integer(value: number | bigint): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new DerError(`der: INTEGER ${value}: not a safe integer`);
    if (value >= 0 && value < 0x80) return Buffer.from([Tag.INTEGER, 1, value]);
    value = BigInt(value);
  }
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const b = Number(v & 0xffn);
    bytes.unshift(b);
    v >>= 8n;
    if ((v === 0n && !(b & 0x80)) || (v === -1n && b & 0x80)) break;
  }
  return tlv(Tag.INTEGER, Uint8Array.from(bytes));
}

export function enumerated(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127)
    throw new DerError(`der: ENUMERATED ${value}: out of range`);
  return Buffer.from([Tag.ENUMERATED, 1, value]);
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER TLV, cached per OID. */
export function oid(dotted: string): Buffer {
  let hit = oidCache.get(dotted);
  if (!hit) {
    hit = tlv(Tag.OID, encodeOidContent(dotted));
    oidCache.set(dotted, hit);
  }
  return hit;
}

export function octetString(content: Uint8Array): Buffer {
  return tlv(Tag.OCTET_STRING, content);
}

/** BIT STRING with the count of unused trailing bits in the last octet. */
export function bitString(content: Uint8Array, unusedBits = 0): Buffer {
  if (unusedBits < 0 || unusedBits > 7 || (content.length === 0 && unusedBits !== 0)) {
    throw new DerError(`der: BIT STRING: ${unusedBits} unused bits is invalid`);
  }
  const len = content.length + 1;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  let off = writeHeader(out, 0, Tag.BIT_STRING, len);
  out[off++] = unusedBits;
  out.set(content, off);
  return out;
}

/**
 * BIT STRING for a named bit list (KeyUsage): bit 0 is the most significant bit of the first octet,
 * and DER drops trailing zero bits.
 */
export function namedBitString(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

function stringTlv(tag: number, value: string, encoding: BufferEncoding): Buffer {
  const len = Buffer.byteLength(value, encoding);
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  out.write(value, writeHeader(out, 0, tag, len), encoding);
  return out;
}

export function utf8String(value: string): Buffer {
  return stringTlv(Tag.UTF8_STRING, value, 'utf8');
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function isPrintableString(value: string): boolean {
  return PRINTABLE.test(value);
}

export function printableString(value: string): Buffer {
  if (!PRINTABLE.test(value))
    throw new DerError(
      `der: PrintableString ${JSON.stringify(value)}: character outside the PrintableString set`,
    );
  return stringTlv(Tag.PRINTABLE_STRING, value, 'latin1');
}

// eslint-disable-next-line no-control-regex
const IA5 = /^[\x00-\x7f]*$/;

export function ia5String(value: string): Buffer {
  if (!IA5.test(value)) throw new DerError(`der: IA5String ${JSON.stringify(value)}: non-ASCII character`);
  return stringTlv(Tag.IA5_STRING, value, 'latin1');
}
