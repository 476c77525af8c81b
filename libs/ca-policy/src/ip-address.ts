import { formatIpAddress, parseIpAddress as parseIpOctets } from '#keyway/pki';

/**
 * IP SANs and the ranges a policy allows. Addresses are parsed by #keyway/pki (the same parser that
 * writes and reads SANs), not node:net, so the policy core stays free of I/O modules. IPv4 and IPv6 are separate families: an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) is matched only by IPv6 ranges, as it is encoded as 16 bytes in the SAN.
 */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
  /** Canonical text: dotted quad, or RFC 5952 compressed lowercase IPv6. */
  text: string;
}

export interface IpRange {
  text: string;
  family: 4 | 6;
  network: Uint8Array;
  prefix: number;
}

export function parseIpAddress(text: string): IpAddress | null {
  if (typeof text !== 'string') return null;
  const octets = parseIpOctets(text);
  if (!octets) return null;
  return {
    family: octets.length === 4 ? 4 : 6,
    bytes: new Uint8Array(octets),
    text: formatIpAddress(octets),
  };
}

export type IpRangeResult = { ok: true; value: IpRange } | { ok: false; message: string };

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Host bits must be zero. */
export function parseIpRange(text: string): IpRangeResult {
  const quoted = JSON.stringify(text);
  const [addr, prefixText, extra] = String(text).split('/');
  const ip = parseIpAddress(addr);
  if (!ip || extra !== undefined)
    return { ok: false, message: `${quoted} is not an IP address or CIDR range` };
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > max) {
      return { ok: false, message: `${quoted}: prefix length must be 0-${max}` };
    }
    prefix = Number(prefixText);
  }
  for (let bit = prefix; bit < max; bit++) {
    if (ip.bytes[bit >> 3] & (0x80 >> (bit & 7))) {
      return {
        ok: false,
        message: `${quoted}: host bits are set (did you mean ${networkText(ip, prefix)}?)`,
      };
    }
  }
  return { ok: true, value: { text: `${ip.text}/${prefix}`, family: ip.family, network: ip.bytes, prefix } };
}

function networkText(ip: IpAddress, prefix: number): string {
  const bytes = new Uint8Array(ip.bytes);
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  return `${formatIpAddress(bytes)}/${prefix}`;
}

export function ipInRange(range: IpRange, ip: IpAddress): boolean {
  if (range.family !== ip.family) return false;
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((range.network[bit >> 3] & mask) !== (ip.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}
