/** IP address text <-> the 4 or 16 octets an iPAddress GeneralName holds. No node:net: this library stays pure. */

export function parseIpv4(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

export function parseIpv6(text: string): Buffer | undefined {
  let s = text;
  let v4: Buffer | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (s.slice(lastColon + 1).includes('.')) {
    v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = s.indexOf('::');
  let groups: number[] | undefined;
  if (dbl < 0) {
    groups = groupsOf(s);
    if (!groups || groups.length !== 8) return undefined;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = groupsOf(s.slice(0, dbl));
    const tail = groupsOf(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = Buffer.allocUnsafe(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (v4) v4.copy(out, 12);
  return out;
}

/** Octets of an IPv4 or IPv6 address, or undefined when the text is neither. */
export function parseIpAddress(text: string): Buffer | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Dotted quad for 4 octets; RFC 5952 text (lowercase, longest zero run as `::`) for 16. */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return `#${Buffer.from(bytes).toString('hex')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
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
