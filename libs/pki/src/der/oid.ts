import { DerError } from '../errors.js';

const encodedCache = new Map<string, Buffer>();
const decodedCache = new Map<string, string>();

/** Content octets of an OBJECT IDENTIFIER (base-128 arcs, first two arcs combined). Cached. */
export function encodeOidContent(dotted: string): Buffer {
  const hit = encodedCache.get(dotted);
  if (hit) return hit;
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(dotted))
    throw new DerError(`der: OID ${JSON.stringify(dotted)}: not a dotted object identifier`);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs[0] < 2n && arcs[1] > 39n) throw new DerError(`der: OID ${dotted}: second arc must be below 40`);
  const bytes: number[] = [];
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  for (const v of values) {
    const group: number[] = [Number(v & 0x7fn)];
    let rest = v >> 7n;
    while (rest > 0n) {
      group.unshift(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(...group);
  }
  const out = Buffer.from(bytes);
  encodedCache.set(dotted, out);
  return out;
}

/** Dotted text of OBJECT IDENTIFIER content octets. Cached by content, since the same OIDs recur. */
export function decodeOidContent(content: Buffer): string {
  const key = content.toString('latin1');
  const hit = decodedCache.get(key);
  if (hit !== undefined) return hit;
  if (content.length === 0) throw new DerError('der: OID: empty content');
  if (content[content.length - 1] & 0x80) throw new DerError('der: OID: truncated arc');
  const arcs: string[] = [];
  let value = 0n;
  let first = true;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (value === 0n && b === 0x80)
      throw new DerError('der: OID: arc with a leading 0x80 byte (not minimal)');
    value = (value << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      const a0 = value < 40n ? 0n : value < 80n ? 1n : 2n;
      arcs.push(String(a0), String(value - a0 * 40n));
      first = false;
    } else {
      arcs.push(String(value));
    }
    value = 0n;
  }
  const dotted = arcs.join('.');
  if (decodedCache.size < 4096) decodedCache.set(key, dotted);
  return dotted;
}
