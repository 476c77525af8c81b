import { DerError } from '../errors.js';
import { Tag, contentOf, decodeTime, encodeTime, readDer, truncateToSeconds } from './index.js';

const text = (d: Date): { tag: number; text: string } => {
  const el = readDer(encodeTime(d));
  return { tag: el.tag, text: contentOf(el).toString('latin1') };
};

describe('certificate times (RFC 5280 4.1.2.5)', () => {
  it.each([
    ['1950-01-01T00:00:00Z', Tag.UTC_TIME, '500101000000Z'],
    ['1999-12-31T23:59:59Z', Tag.UTC_TIME, '991231235959Z'],
    ['2026-03-04T05:06:07Z', Tag.UTC_TIME, '260304050607Z'],
    ['2049-12-31T23:59:59Z', Tag.UTC_TIME, '491231235959Z'],
    ['2050-01-01T00:00:00Z', Tag.GENERALIZED_TIME, '20500101000000Z'],
    ['1949-12-31T23:59:59Z', Tag.GENERALIZED_TIME, '19491231235959Z'],
    ['9999-12-31T23:59:59Z', Tag.GENERALIZED_TIME, '99991231235959Z'],
  ])('encodes %s as the type its year requires, and reads it back', (iso, tag, expected) => {
    const date = new Date(iso);
    expect(text(date)).toEqual({ tag, text: expected });
    const el = readDer(encodeTime(date));
    expect(decodeTime(el.tag, contentOf(el)).toISOString()).toBe(date.toISOString());
  });

  it('drops milliseconds (truncating, never rounding up)', () => {
    const date = new Date('2030-06-01T12:00:00.999Z');
    expect(text(date).text).toBe('300601120000Z');
    expect(truncateToSeconds(date).toISOString()).toBe('2030-06-01T12:00:00.000Z');
  });

  it('reads GeneralizedTime fractions and rejects non-DER forms', () => {
    expect(decodeTime(Tag.GENERALIZED_TIME, Buffer.from('20300601120000.25Z')).toISOString()).toBe(
      '2030-06-01T12:00:00.250Z',
    );
    for (const bad of ['3006011200Z', '300601120000+0100', '300601120000']) {
      expect(() => decodeTime(Tag.UTC_TIME, Buffer.from(bad), 'validity.notAfter')).toThrow(
        /validity\.notAfter: UTCTime/,
      );
    }
    expect(() => decodeTime(Tag.GENERALIZED_TIME, Buffer.from('20300601120000.50Z'))).toThrow(DerError);
    expect(() => decodeTime(Tag.UTC_TIME, Buffer.from('300231120000Z'))).toThrow(/not a valid calendar time/);
    expect(() => decodeTime(Tag.INTEGER, Buffer.from('1'))).toThrow(/expected UTCTime or GeneralizedTime/);
    expect(() => encodeTime(new Date(NaN))).toThrow(/invalid Date/);
  });
});
