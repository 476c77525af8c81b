import { DerError } from '../errors.js';
import { Tag } from './tags.js';

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/**
 * Encodes a certificate/CRL time per RFC 5280 4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for 1950-2049,
 * GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise. Milliseconds are dropped (truncated), as DER times
 * in X.509 carry whole seconds.
 */
export function encodeTime(date: Date): Buffer {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new DerError('der: time: invalid Date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new DerError(`der: time: year ${year} cannot be encoded`);
  const rest =
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds()) +
    'Z';
  const utc = year >= 1950 && year < 2050;
  const text = utc ? pad2(year % 100) + rest : String(year).padStart(4, '0') + rest;
  const out = Buffer.allocUnsafe(2 + text.length);
  out[0] = utc ? Tag.UTC_TIME : Tag.GENERALIZED_TIME;
  out[1] = text.length;
  out.write(text, 2, 'latin1');
  return out;
}

/** The Date a DER time denotes, truncated to whole seconds like the encoding. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const UTC_RE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GEN_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d*[1-9])?Z$/;

/** Decodes UTCTime (YY >= 50 is 19YY) or GeneralizedTime content; only the DER `Z` forms are accepted. */
export function decodeTime(tag: number, content: Buffer, path = 'time'): Date {
  const text = content.toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (tag === Tag.UTC_TIME) {
    m = UTC_RE.exec(text);
    if (!m) throw new DerError(`der: ${path}: UTCTime ${JSON.stringify(text)}: expected YYMMDDHHMMSSZ`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tag === Tag.GENERALIZED_TIME) {
    m = GEN_RE.exec(text);
    if (!m)
      throw new DerError(
        `der: ${path}: GeneralizedTime ${JSON.stringify(text)}: expected YYYYMMDDHHMMSS[.f]Z`,
      );
    year = Number(m[1]);
  } else {
    throw new DerError(`der: ${path}: expected UTCTime or GeneralizedTime, found tag 0x${tag.toString(16)}`);
  }
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fraction);
  if (
    month < 1 ||
    month > 12 ||
    date.getUTCDate() !== day ||
    date.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new DerError(`der: ${path}: ${JSON.stringify(text)}: not a valid calendar time`);
  }
  return date;
}
