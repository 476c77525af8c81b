import { DerError } from '../errors.js';
import {
  DerReader,
  Tag,
  bitString,
  contentOf,
  decodeBigInteger,
  decodeBitString,
  decodeOidContent,
  decodeSmallInteger,
  decodeString,
  encodeDer,
  encodeOidContent,
  explicit,
  ia5String,
  implicitPrimitive,
  integer,
  integerFromUnsigned,
  integerHex,
  namedBitString,
  namedBits,
  octetString,
  oid,
  printableString,
  readDer,
  sequence,
  set,
  tlv,
  utf8String,
} from './index.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER writer and reader', () => {
  it.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [65537, '0203010001'],
  ])('encodes INTEGER %d minimally and reads it back', (value, encoded) => {
    const der = integer(value);
    expect(hex(der)).toBe(encoded);
    expect(decodeSmallInteger(contentOf(readDer(der)))).toBe(value);
  });

  it('round-trips big integers and unsigned magnitudes', () => {
    const big = (1n << 158n) + 12345n;
    expect(decodeBigInteger(contentOf(readDer(integer(big))))).toBe(big);
    expect(decodeBigInteger(contentOf(readDer(integer(-big))))).toBe(-big);
    const magnitude = Buffer.from('00008f01', 'hex');
    const der = integerFromUnsigned(magnitude);
    expect(hex(der)).toBe('0203008f01');
    expect(integerHex(contentOf(readDer(der)))).toBe('8f01');
  });

  it.each([
    ['1.2.840.10045.2.1', '2a8648ce3d0201'],
    ['2.5.29.17', '551d11'],
    ['2.999.3', '883703'],
    ['1.3.6.1.4.1.311.21.20', '2b0601040182371514'],
    ['0.9.2342.19200300.100.1.25', '0992268993f22c640119'],
  ])('encodes OID %s', (dotted, content) => {
    expect(hex(encodeOidContent(dotted))).toBe(content);
    expect(decodeOidContent(Buffer.from(content, 'hex'))).toBe(dotted);
    expect(hex(oid(dotted))).toBe(`06${(content.length / 2).toString(16).padStart(2, '0')}${content}`);
  });

  it('rejects malformed OIDs', () => {
    expect(() => encodeOidContent('1.2.x')).toThrow(DerError);
    expect(() => encodeOidContent('1.40')).toThrow(/second arc/);
    expect(() => decodeOidContent(Buffer.from('2a86', 'hex'))).toThrow(/truncated/);
    expect(() => decodeOidContent(Buffer.from('2a8001', 'hex'))).toThrow(/not minimal/);
  });

  it('writes BIT STRINGs and named bit lists with trailing zero bits dropped', () => {
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab');
    expect(hex(namedBitString([0]))).toBe('03020780'); // digitalSignature
    expect(hex(namedBitString([0, 5, 6]))).toBe('03020186'); // digitalSignature, keyCertSign, cRLSign
    expect(hex(namedBitString([8]))).toBe('0303070080'); // decipherOnly
    const read = decodeBitString(readDer(namedBitString([0, 2, 8])), 'ku');
    expect(namedBits(read)).toEqual([0, 2, 8]);
    expect(() => bitString(Buffer.alloc(0), 3)).toThrow(DerError);
  });

  it('uses long-form lengths at the boundaries and reads them back', () => {
    for (const size of [0, 127, 128, 255, 256, 65535, 65536, 70000]) {
      const der = octetString(Buffer.alloc(size, 7));
      const el = readDer(der);
      expect(el.end - el.contentStart).toBe(size);
      expect(contentOf(el).every((b) => b === 7)).toBe(true);
    }
    expect(hex(octetString(Buffer.alloc(128)).subarray(0, 3))).toBe('048180');
    expect(hex(octetString(Buffer.alloc(256)).subarray(0, 4))).toBe('04820100');
  });

  it('nests constructed values into one buffer, including context tags', () => {
    const der = encodeDer(
      sequence(
        integer(1),
        explicit(0, sequence(oid('2.5.4.3'), utf8String('é'))),
        implicitPrimitive(2, Buffer.from('a.b')),
      ),
    );
    expect(hex(der)).toBe('30150201 01a00b30 0906035504030c02c3a9 8203612e62'.replace(/ /g, ''));
    const r = DerReader.of(readDer(der), 'test');
    expect(r.smallInteger('version')).toBe(1);
    const inner = DerReader.of(r.expect(0xa0, 'explicit'), 'test.explicit').sequence('pair');
    expect(inner.oid('type')).toBe('2.5.4.3');
    expect(decodeString(inner.next('value'), 'value')).toBe('é');
    const ctx = r.expect(0x82, 'dns');
    expect(contentOf(ctx).toString()).toBe('a.b');
    r.finish();
  });

  it('sorts SET OF elements by their encoding', () => {
    const der = encodeDer(set(integer(300), integer(2), octetString(Buffer.from([1]))));
    expect(hex(der)).toBe('310a020102 0202012c 040101'.replace(/ /g, ''));
  });

  it('encodes and decodes the directory string types', () => {
    expect(decodeString(readDer(printableString('Example Org')), 's')).toBe('Example Org');
    expect(decodeString(readDer(ia5String('a@b.c')), 's')).toBe('a@b.c');
    expect(decodeString(readDer(tlv(Tag.BMP_STRING, Buffer.from('00480069', 'hex'))), 's')).toBe('Hi');
    expect(decodeString(readDer(tlv(Tag.UNIVERSAL_STRING, Buffer.from('0001f600', 'hex'))), 's')).toBe('😀');
    expect(() => printableString('a_b')).toThrow(/PrintableString/);
    expect(() => ia5String('ü')).toThrow(/non-ASCII/);
    expect(() => decodeString(readDer(integer(1)), 'x.y')).toThrow(/x\.y: expected a string/);
  });

  it.each([
    ['indefinite length', '3080020100 0000', /indefinite length/],
    ['length past the end', '3005020100', /runs past the end/],
    ['non-minimal long form', '30810302 0100', /non-minimal length/],
    ['trailing data', '3003020100ff', /trailing data/],
    ['high tag number', '1f0100', /high tag numbers/],
    ['truncated header', '30', /truncated length/],
  ])('rejects %s with a DerError', (_name, bytes, message) => {
    const buf = Buffer.from(bytes.replace(/ /g, ''), 'hex');
    expect(() => readDer(buf, 'probe')).toThrow(message);
    expect(() => readDer(buf, 'probe')).toThrow(DerError);
  });

  it('names the path and offset when a tag is wrong', () => {
    const r = DerReader.of(readDer(encodeDer(sequence(integer(1)))), 'certificate.tbs');
    expect(() => r.expect(Tag.SEQUENCE, 'validity')).toThrow(
      'der: certificate.tbs.validity: expected SEQUENCE, found INTEGER at offset 2',
    );
  });
});
