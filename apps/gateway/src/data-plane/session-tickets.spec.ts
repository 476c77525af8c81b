import { newTicketKeys, rotateTicketKeys, sealedWith, TICKET_KEY_BYTES } from './session-tickets.js';

describe('session ticket keys', () => {
  it('rotate: a fresh current key, the replaced one kept to open its tickets, then dropped', () => {
    const first = newTicketKeys(3600);
    expect(first.current).toHaveLength(TICKET_KEY_BYTES);
    expect(first.previous).toBeUndefined();
    const second = rotateTicketKeys(first);
    expect(second.previous).toBe(first.current);
    expect(second.current.equals(first.current)).toBe(false);
    const third = rotateTicketKeys(second);
    expect(third.previous).toBe(second.current);
    expect([third.current, third.previous]).not.toContain(first.current);
    expect(third.lifetimeSeconds).toBe(3600);
  });

  it('tell which key sealed a ticket by its 16-byte name', () => {
    const key = newTicketKeys(60).current;
    expect(sealedWith(key, key.subarray(0, 16))).toBe(true);
    expect(sealedWith(key, Uint8Array.from(key.subarray(0, 16)))).toBe(true);
    const other = Buffer.from(key.subarray(0, 16));
    other[15] ^= 1;
    expect(sealedWith(key, other)).toBe(false);
    expect(sealedWith(key, key.subarray(0, 15))).toBe(false);
    expect(sealedWith(undefined, key.subarray(0, 16))).toBe(false);
    expect(sealedWith(key, undefined)).toBe(false);
  });
});
