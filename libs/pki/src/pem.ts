import { PemError } from './errors.js';

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** PEM armour with 64-character base64 lines and a trailing newline (RFC 7468 strict form). */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every PEM block in the text, in order; text between blocks is ignored (as OpenSSL does). */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BLOCK.lastIndex = 0;
  let m: RegExpExecArray | null;
  let index = 0;
  while ((m = BLOCK.exec(text)) !== null) {
    const [, label, body, endLabel] = m;
    if (label !== endLabel)
      throw new PemError(`pem: block ${index}: BEGIN ${label} closed by END ${endLabel}`);
    if (body.includes(':'))
      throw new PemError(
        `pem: block ${index} (${label}): PEM headers (encrypted or legacy keys) are not supported`,
      );
    const b64 = body.replace(/\s+/g, '');
    if (!BASE64.test(b64) || b64.length % 4 !== 0)
      throw new PemError(`pem: block ${index} (${label}): body is not valid base64`);
    if (b64.length === 0) throw new PemError(`pem: block ${index} (${label}): empty body`);
    blocks.push({ label, der: Buffer.from(b64, 'base64') });
    index++;
  }
  const lastBegin = text.lastIndexOf('-----BEGIN ');
  if (lastBegin >= 0 && text.indexOf('-----END ', lastBegin) < 0)
    throw new PemError('pem: a BEGIN line has no matching END line');
  return blocks;
}

/** The DER of the first block with this label. */
export function decodePem(text: string, label: string): Buffer {
  const blocks = decodePemBlocks(text);
  const block = blocks.find((b) => b.label === label);
  if (!block) {
    const found = blocks.length
      ? `found ${[...new Set(blocks.map((b) => b.label))].join(', ')}`
      : 'no PEM block found';
    throw new PemError(`pem: expected a ${label} block, ${found}`);
  }
  return block.der;
}

/** Each CERTIFICATE block of a bundle, in order, re-armoured in the canonical form; other blocks are dropped. */
export function splitPemBundle(text: string): string[] {
  return decodePemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => encodePem('CERTIFICATE', b.der));
}

/**
 * The blocks with this label exactly as they are written in the text (armour included, no newline
 * after), in order: a chain, a CA bundle, several CRLs. Unlike `splitPemBundle`, nothing is decoded
 * or re-armoured, so what is handed on is byte for byte what was given.
 */
export function pemBlockTexts(text: string, label: string): string[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const out: string[] = [];
  for (let at = text.indexOf(begin); at >= 0; at = text.indexOf(begin, at)) {
    const stop = text.indexOf(end, at + begin.length);
    if (stop < 0) break;
    out.push(text.slice(at, stop + end.length));
    at = stop + end.length;
  }
  return out;
}

/** DER from either PEM text (string or buffer holding `-----BEGIN`) or raw DER bytes. */
export function toDer(input: string | Uint8Array, label: string): Buffer {
  if (typeof input === 'string') return decodePem(input, label);
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length > 0 && buf[0] === 0x2d /* '-' */) return decodePem(buf.toString('latin1'), label);
  // PEM read from a file may start with whitespace or explanatory text before the armour.
  if (buf.length > 0 && buf[0] !== 0x30 && buf.includes('-----BEGIN '))
    return decodePem(buf.toString('latin1'), label);
  return buf;
}
