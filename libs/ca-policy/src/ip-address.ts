/**
 * IP SANs and the ranges a policy allows, parsed here rather than with node:net so the policy core
 * stays free of I/O modules. IPv4 and IPv6 are separate families: an IPv4-mapped IPv6 address
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

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // No leading zeros: `010` is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  // An embedded IPv4 is only valid at the very end.
  if (halves.length === 2 && halves[0].includes('.')) return null;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    all = head;
  }
  if (all.length !== 8) return null;
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function formatIpv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1]);
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseIpAddress(text: string): IpAddress | null {
  if (typeof text !== 'string') return null;
  const v4 = parseIpv4(text);
  if (v4) return { family: 4, bytes: v4, text: Array.from(v4).join('.') };
  const v6 = parseIpv6(text);
  if (v6) return { family: 6, bytes: v6, text: formatIpv6(v6) };
  return null;
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
  return `${ip.family === 4 ? Array.from(bytes).join('.') : formatIpv6(bytes)}/${prefix}`;
}

export function ipInRange(range: IpRange, ip: IpAddress): boolean {
  if (range.family !== ip.family) return false;
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((range.network[bit >> 3] & mask) !== (ip.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}
