import { randomFillSync } from 'node:crypto';

const SERIAL_BYTES = 16;
// One randomFillSync per 256 serials: a syscall per certificate shows up in the issue rate.
const pool = Buffer.allocUnsafe(SERIAL_BYTES * 256);
let poolOffset = pool.length;

/** 16 random bytes, positive and without a leading zero octet, so the encoded serial is always 16 bytes. */
export function randomSerial(): Buffer {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const serial = Buffer.from(pool.subarray(poolOffset, poolOffset + SERIAL_BYTES));
  pool.fill(0, poolOffset, poolOffset + SERIAL_BYTES);
  poolOffset += SERIAL_BYTES;
  serial[0] &= 0x7f;
  if (serial[0] === 0) serial[0] = 0x01;
  return serial;
}

/**
 * Canonical serial text as this library writes it: lowercase hex, no colons, whole octets, no leading
 * zero octets (`00:FF:01` -> `ff01`, `abc` -> `0abc`). Returns undefined for non-hex input.
 */
export function normalizeSerialHex(text: string): string | undefined {
  let hex = text.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) return undefined;
  if (hex.length % 2) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex;
}

export function serialBytes(serialHex: string): Buffer | undefined {
  const hex = normalizeSerialHex(serialHex);
  return hex === undefined ? undefined : Buffer.from(hex, 'hex');
}
