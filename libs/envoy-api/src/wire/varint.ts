/** Bytes of the varint holding a non-negative integer up to 2^53 - 1 (seven bits a byte). */
export function varintSize(value: number): number {
  let size = 1;
  while (value > 127) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Bytes of a 64-bit varint, from its unsigned two's-complement value. */
export function varint64Size(value: bigint): number {
  let size = 1;
  for (let v = value; v > 127n; v >>= 7n) size++;
  return size;
}
