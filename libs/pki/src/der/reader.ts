import { DerError } from '../errors.js';
import { decodeOidContent } from './oid.js';
import { Tag, tagName } from './tags.js';
import { decodeTime } from './time.js';

/** One TLV located in a buffer: nothing is copied until a caller asks for bytes. */
export interface DerElement {
  readonly buf: Buffer;
  readonly tag: number;
  /** Offset of the tag octet. */
  readonly start: number;
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

/** Content octets (a view, not a copy). */
export function contentOf(el: DerElement): Buffer {
  return el.buf.subarray(el.contentStart, el.end);
}

/** The whole TLV (a view, not a copy). */
export function rawOf(el: DerElement): Buffer {
  return el.buf.subarray(el.start, el.end);
}

/**
 * Reads consecutive TLVs between `pos` and `end`. Strict about lengths (definite, minimal, inside the
 * parent); every error names the structure path and the byte offset.
 */
export class DerReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    readonly path = 'der',
  ) {
    this.pos = start;
  }

  /** A reader over the children of a constructed element. */
  static of(el: DerElement, path: string): DerReader {
    if (!(el.tag & 0x20))
      throw new DerError(
        `der: ${path}: expected a constructed value, found ${tagName(el.tag)} at offset ${el.start}`,
      );
    return new DerReader(el.buf, el.contentStart, el.end, path);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  peekTag(): number | undefined {
    return this.pos < this.end ? this.buf[this.pos] : undefined;
  }

  next(what = 'element'): DerElement {
    const { buf, end } = this;
    const start = this.pos;
    if (start >= end)
      throw new DerError(`der: ${this.path}: ${what}: missing (structure ends at offset ${end})`);
    const tag = buf[start];
    if ((tag & 0x1f) === 0x1f)
      throw new DerError(`der: ${this.path}: ${what}: high tag numbers are not supported (offset ${start})`);
    if (start + 1 >= end)
      throw new DerError(`der: ${this.path}: ${what}: truncated length at offset ${start + 1}`);
    let len = buf[start + 1];
    let contentStart = start + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0)
        throw new DerError(`der: ${this.path}: ${what}: indefinite length is not DER (offset ${start + 1})`);
      if (n > 4)
        throw new DerError(
          `der: ${this.path}: ${what}: length of ${n} octets is too large (offset ${start + 1})`,
        );
      if (contentStart + n > end)
        throw new DerError(`der: ${this.path}: ${what}: truncated length at offset ${start + 1}`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[contentStart + i];
      if (len < 0x80 || (n > 1 && buf[contentStart] === 0)) {
        throw new DerError(`der: ${this.path}: ${what}: non-minimal length encoding (offset ${start + 1})`);
      }
      contentStart += n;
    }
    const elEnd = contentStart + len;
    if (elEnd > end) {
      throw new DerError(
        `der: ${this.path}: ${what}: length ${len} at offset ${start} runs past the end of its container (${end})`,
      );
    }
    this.pos = elEnd;
    return { buf, tag, start, contentStart, end: elEnd };
  }

  /** Reads the next element and checks its tag. */
  expect(tag: number, what: string): DerElement {
    const actual = this.peekTag();
    if (actual !== tag) {
      const found = actual === undefined ? 'end of structure' : tagName(actual);
      throw new DerError(
        `der: ${this.path}.${what}: expected ${tagName(tag)}, found ${found} at offset ${this.pos}`,
      );
    }
    return this.next(what);
  }

  /** Reads the next element only if it has this tag (OPTIONAL / DEFAULT fields). */
  optional(tag: number, what = 'element'): DerElement | undefined {
    return this.peekTag() === tag ? this.next(what) : undefined;
  }

  /** Asserts nothing is left (trailing garbage is an error in DER). */
  finish(): void {
    if (this.pos !== this.end)
      throw new DerError(`der: ${this.path}: unexpected trailing data at offset ${this.pos}`);
  }

  // Typed convenience readers.

  sequence(what: string): DerReader {
    return DerReader.of(this.expect(Tag.SEQUENCE, what), `${this.path}.${what}`);
  }

  oid(what: string): string {
    return decodeOidContent(contentOf(this.expect(Tag.OID, what)));
  }

  integerBytes(what: string): Buffer {
    const content = contentOf(this.expect(Tag.INTEGER, what));
    if (content.length === 0) throw new DerError(`der: ${this.path}.${what}: empty INTEGER`);
    return content;
  }

  smallInteger(what: string): number {
    return decodeSmallInteger(this.integerBytes(what), `${this.path}.${what}`);
  }

  time(what: string): Date {
    const el = this.next(what);
    return decodeTime(el.tag, contentOf(el), `${this.path}.${what}`);
  }
}

/** Parses exactly one TLV spanning the whole buffer. */
export function readDer(buf: Buffer, path = 'der'): DerElement {
  const r = new DerReader(buf, 0, buf.length, path);
  const el = r.next();
  r.finish();
  return el;
}

export function decodeSmallInteger(content: Buffer, path = 'INTEGER'): number {
  if (content.length > 6) throw new DerError(`der: ${path}: integer too large for a number`);
  let v = 0;
  for (const b of content) v = v * 256 + b;
  return content[0] & 0x80 ? v - 2 ** (8 * content.length) : v;
}

export function decodeBigInteger(content: Buffer): bigint {
  let v = 0n;
  for (const b of content) v = (v << 8n) | BigInt(b);
  if (content.length > 0 && content[0] & 0x80) v -= 1n << BigInt(8 * content.length);
  return v;
}

/** Lowercase hex of an INTEGER's magnitude without the DER sign octet (how serials are written). */
export function integerHex(content: Buffer): string {
  const body = content.length > 1 && content[0] === 0 ? content.subarray(1) : content;
  return body.toString('hex');
}

export function decodeBoolean(el: DerElement, path: string): boolean {
  const c = contentOf(el);
  if (el.tag !== Tag.BOOLEAN || c.length !== 1) throw new DerError(`der: ${path}: expected BOOLEAN`);
  return c[0] !== 0;
}

export interface BitStringValue {
  unusedBits: number;
  bytes: Buffer;
}

export function decodeBitString(el: DerElement, path: string): BitStringValue {
  const c = contentOf(el);
  if (el.tag !== Tag.BIT_STRING || c.length === 0) throw new DerError(`der: ${path}: expected BIT STRING`);
  if (c[0] > 7 || (c.length === 1 && c[0] !== 0))
    throw new DerError(`der: ${path}: BIT STRING with ${c[0]} unused bits is invalid`);
  return { unusedBits: c[0], bytes: c.subarray(1) };
}

/** Set bit numbers of a named bit list (bit 0 = most significant bit of the first octet). */
export function namedBits(value: BitStringValue): number[] {
  const bits: number[] = [];
  const total = value.bytes.length * 8 - value.unusedBits;
  for (let i = 0; i < total; i++) if (value.bytes[i >> 3] & (0x80 >> (i & 7))) bits.push(i);
  return bits;
}

/** Text of any X.520 directory string or IA5String. */
export function decodeString(el: DerElement, path: string): string {
  const c = contentOf(el);
  switch (el.tag) {
    case Tag.UTF8_STRING:
      return c.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.T61_STRING: // Teletex: treated as Latin-1, as most decoders do in practice.
      return c.toString('latin1');
    case Tag.BMP_STRING:
      if (c.length % 2) throw new DerError(`der: ${path}: BMPString with odd length`);
      return Buffer.from(c).swap16().toString('utf16le');
    case Tag.UNIVERSAL_STRING: {
      if (c.length % 4) throw new DerError(`der: ${path}: UniversalString length not a multiple of 4`);
      let s = '';
      for (let i = 0; i < c.length; i += 4) s += String.fromCodePoint(c.readUInt32BE(i));
      return s;
    }
    default:
      throw new DerError(`der: ${path}: expected a string, found ${tagName(el.tag)} at offset ${el.start}`);
  }
}
