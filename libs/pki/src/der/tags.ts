/** Universal tags (with the constructed bit for SEQUENCE/SET) used by X.509. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag `[n]`: constructed for EXPLICIT wrappers and constructed IMPLICIT types. */
export function contextTag(n: number, constructed: boolean): number {
  if (n < 0 || n > 30) throw new RangeError(`context tag [${n}] out of range`);
  return (constructed ? 0xa0 : 0x80) | n;
}

export function tagName(tag: number): string {
  for (const [name, value] of Object.entries(Tag)) if (value === tag) return name;
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]${tag & 0x20 ? ' constructed' : ''}`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}
