import protobuf from 'protobufjs';
import { varint64Size, varintSize } from './varint.js';
import { tagOf, WireType } from './wire-type.js';
import { WireWriter } from './wire-writer.js';

/** What one call writes, as hex, through a reused writer and through one sized to fit exactly. */
function written(write: (w: WireWriter) => void): { reused: string; measured: string } {
  const reused = new WireWriter(16);
  reused.uint32(999); // left over from an earlier message: reset must drop it
  reused.reset();
  write(reused);
  const bytes = reused.finish();
  const measured = new WireWriter(bytes.length);
  write(measured);
  return { reused: bytes.toString('hex'), measured: measured.take().toString('hex') };
}

/** protobufjs's Writer for the same call: the reference the bytes must match. */
function reference(write: (w: protobuf.Writer) => void): string {
  const w = protobuf.Writer.create();
  write(w);
  return Buffer.from(w.finish()).toString('hex');
}

describe('WireWriter: varints', () => {
  it.each<[string, (w: WireWriter) => void, string]>([
    ['uint32 0', (w) => w.uint32(0), '00'],
    ['uint32 1', (w) => w.uint32(1), '01'],
    ['uint32 127', (w) => w.uint32(127), '7f'],
    ['uint32 128', (w) => w.uint32(128), '8001'],
    ['uint32 300', (w) => w.uint32(300), 'ac02'],
    ['uint32 2^32-1', (w) => w.uint32(2 ** 32 - 1), 'ffffffff0f'],
    ['varint64 2^32', (w) => w.varint64(2n ** 32n), '8080808010'],
    ['varint64 2^53-1', (w) => w.varint64(2n ** 53n - 1n), 'ffffffffffffff0f'],
    ['varint64 2^64-1', (w) => w.varint64(2n ** 64n - 1n), 'ffffffffffffffffff01'],
    ['int32 -1 (ten bytes)', (w) => w.int32(-1), 'ffffffffffffffffff01'],
    ['int32 -2^31 (ten bytes)', (w) => w.int32(-(2 ** 31)), '80808080f8ffffffff01'],
    ['int32 2^31-1', (w) => w.int32(2 ** 31 - 1), 'ffffffff07'],
  ])('%s', (_name, write, hex) => {
    expect(written(write)).toEqual({ reused: hex, measured: hex });
  });

  it.each([0, 1, 127, 128, 16383, 16384, 2 ** 32 - 1])('matches protobufjs for uint32 %d', (n) => {
    expect(written((w) => w.uint32(n)).reused).toBe(reference((w) => w.uint32(n)));
  });

  it.each([-1, -(2 ** 31), 0, 2 ** 31 - 1])('matches protobufjs for int32 %d', (n) => {
    expect(written((w) => w.int32(n)).reused).toBe(reference((w) => w.int32(n)));
  });

  it.each<[number, number]>([
    [0, 1],
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
    [2 ** 32 - 1, 5],
    [2 ** 53 - 1, 8],
  ])('varintSize(%d) is %d', (value, size) => {
    expect(varintSize(value)).toBe(size);
    expect(varint64Size(BigInt(value))).toBe(size);
  });

  it('varint64Size of 64-bit values', () => {
    expect(varint64Size(2n ** 63n - 1n)).toBe(9);
    expect(varint64Size(2n ** 64n - 1n)).toBe(10);
  });
});

describe('WireWriter: zigzag', () => {
  it.each<[string, (w: WireWriter) => void, string]>([
    ['sint32 0', (w) => w.sint32(0), '00'],
    ['sint32 -1', (w) => w.sint32(-1), '01'],
    ['sint32 1', (w) => w.sint32(1), '02'],
    ['sint32 -64', (w) => w.sint32(-64), '7f'],
    ['sint32 64', (w) => w.sint32(64), '8001'],
    ['sint32 2^31-1', (w) => w.sint32(2 ** 31 - 1), 'feffffff0f'],
    ['sint32 -2^31', (w) => w.sint32(-(2 ** 31)), 'ffffffff0f'],
    ['sint64 -1 (as its unsigned bits)', (w) => w.sint64(2n ** 64n - 1n), '01'],
    ['sint64 -2^63', (w) => w.sint64(2n ** 63n), 'ffffffffffffffffff01'],
    ['sint64 2^63-1', (w) => w.sint64(2n ** 63n - 1n), 'feffffffffffffffff01'],
  ])('%s', (_name, write, hex) => {
    expect(written(write)).toEqual({ reused: hex, measured: hex });
  });

  it.each([0, -1, 1, -64, 64, 2 ** 31 - 1, -(2 ** 31)])('matches protobufjs for sint32 %d', (n) => {
    expect(written((w) => w.sint32(n)).reused).toBe(reference((w) => w.sint32(n)));
  });
});

describe('WireWriter: fixed widths', () => {
  it.each<[string, (w: WireWriter) => void, string]>([
    ['fixed32 1', (w) => w.fixed32(1), '01000000'],
    ['fixed32 2^32-1', (w) => w.fixed32(2 ** 32 - 1), 'ffffffff'],
    ['sfixed32 -2', (w) => w.fixed32(-2), 'feffffff'],
    ['fixed64 1', (w) => w.fixed64(1n), '0100000000000000'],
    ['fixed64 2^64-1', (w) => w.fixed64(2n ** 64n - 1n), 'ffffffffffffffff'],
    ['float 1.5', (w) => w.float(1.5), '0000c03f'],
    ['double -0.5', (w) => w.double(-0.5), '000000000000e0bf'],
  ])('%s', (_name, write, hex) => {
    expect(written(write)).toEqual({ reused: hex, measured: hex });
  });
});

describe('WireWriter: tags and length-delimited fields', () => {
  it.each<[number, WireType, number]>([
    [1, WireType.Varint, 0x08],
    [1, WireType.Fixed64, 0x09],
    [2, WireType.LengthDelimited, 0x12],
    [3, WireType.Fixed32, 0x1d],
    [15, WireType.LengthDelimited, 0x7a],
    [16, WireType.Varint, 0x80],
    [2 ** 29 - 1, WireType.Fixed32, 2 ** 32 - 3],
  ])('the tag of field %d, wire type %d, is %d', (field, wireType, tag) => {
    expect(tagOf(field, wireType)).toBe(tag);
    expect(written((w) => w.tag(field, wireType)).reused).toBe(reference((w) => w.uint32(tag)));
  });

  const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  it.each<[string, (w: WireWriter) => void, string]>([
    ['empty string', (w) => w.string(''), '00'],
    ['ascii string', (w) => w.string('abc'), '03616263'],
    ['non-ascii string', (w) => w.string('héllo'), `06${utf8('héllo')}`],
    ['127 ascii chars', (w) => w.string('a'.repeat(127)), `7f${'61'.repeat(127)}`],
    ['128 ascii chars', (w) => w.string('a'.repeat(128)), `8001${'61'.repeat(128)}`],
    ['64 two-byte chars (128 bytes)', (w) => w.string('é'.repeat(64)), `8001${'c3a9'.repeat(64)}`],
    ['bytes', (w) => w.bytes(Buffer.from([0, 1, 255])), '030001ff'],
    ['300 bytes', (w) => w.bytes(Buffer.alloc(300, 9)), `ac02${'09'.repeat(300)}`],
    ['raw (no length prefix)', (w) => w.raw(Buffer.from([8, 1])), '0801'],
  ])('%s', (_name, write, hex) => {
    expect(written(write)).toEqual({ reused: hex, measured: hex });
  });

  it.each(['', 'abc', 'héllo', '🙂'.repeat(40), 'x'.repeat(20_000)])(
    'matches protobufjs for a string of %#',
    (s) => {
      expect(written((w) => w.string(s)).reused).toBe(reference((w) => w.string(s)));
    },
  );
});

describe('WireWriter: nested messages', () => {
  /** `field 1 { field 2: <body> }`, the body's length unknown until it is written. */
  function nested(body: Buffer) {
    return (w: WireWriter) => {
      w.tag(1, WireType.LengthDelimited);
      const outer = w.beginDelimited();
      w.tag(2, WireType.LengthDelimited);
      w.bytes(body);
      w.endDelimited(outer);
    };
  }
  const viaProtobufjs = (body: Buffer) =>
    reference((w) => {
      w.uint32(tagOf(1, WireType.LengthDelimited)).fork();
      w.uint32(tagOf(2, WireType.LengthDelimited)).bytes(body);
      w.ldelim();
    });

  it.each<[string, number, string]>([
    ['empty', 0, '0a021200'],
    ['125-byte body: the slot stays one byte', 123, `0a7d127b${'07'.repeat(123)}`],
    ['128-byte body: the slot widens to two', 126, `0a8001127e${'07'.repeat(126)}`],
    ['16384-byte body: the slot widens to three', 16_381, `0a80800112fd7f${'07'.repeat(16_381)}`],
  ])('%s', (_name, size, hex) => {
    const body = Buffer.alloc(size, 7);
    expect(written(nested(body))).toEqual({ reused: hex, measured: hex });
    expect(hex).toBe(viaProtobufjs(body));
  });

  it('widens slots at every depth, innermost first', () => {
    const write = (w: WireWriter) => {
      const starts: number[] = [];
      for (let depth = 0; depth < 3; depth++) {
        w.tag(1, WireType.LengthDelimited);
        starts.push(w.beginDelimited());
      }
      w.string('z'.repeat(200));
      while (starts.length) w.endDelimited(starts.pop()!);
    };
    const expected = reference((w) => {
      for (let depth = 0; depth < 3; depth++) w.uint32(tagOf(1, WireType.LengthDelimited)).fork();
      w.string('z'.repeat(200));
      for (let depth = 0; depth < 3; depth++) w.ldelim();
    });
    expect(written(write)).toEqual({ reused: expected, measured: expected });
  });
});

describe('WireWriter: buffers', () => {
  it('grows from any starting size, keeping what was written', () => {
    const w = new WireWriter(0);
    w.string('abc');
    w.bytes(Buffer.alloc(1000, 1));
    expect(w.finish().toString('hex')).toBe(`03616263e807${'01'.repeat(1000)}`);
  });

  it('take() hands over the buffer itself; the writer goes on without it', () => {
    const w = new WireWriter(4);
    w.fixed32(7);
    const out = w.take();
    expect(out.toString('hex')).toBe('07000000');
    w.uint32(1);
    expect(w.finish().toString('hex')).toBe('01');
    expect(out.toString('hex')).toBe('07000000');
  });

  it('take() refuses a writer that was not filled exactly (a measurement error)', () => {
    const short = new WireWriter(3);
    short.uint32(1);
    expect(() => short.take()).toThrow('wire writer: wrote 1 of 3 bytes');
    const over = new WireWriter(1);
    over.string('ab');
    expect(() => over.take()).toThrow(/wire writer: wrote 3 of \d+ bytes/);
  });

  it('finish() copies, so the reused writer may write the next message over the same buffer', () => {
    const w = new WireWriter(8);
    w.string('first');
    const first = w.finish();
    w.reset();
    w.string('other');
    expect(first.toString('hex')).toBe(`05${Buffer.from('first').toString('hex')}`);
  });
});
