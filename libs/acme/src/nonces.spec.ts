import { NonceBook } from './nonces.js';
import { errorOf } from './testing/error-of.js';

function book(capacity = 3) {
  let now = 0;
  let n = 0;
  const b = new NonceBook({
    capacity,
    ttlMs: 1000,
    now: () => now,
    random: () => `nonce-${String(n++).padStart(20, '0')}`,
  });
  return { b, advance: (ms: number) => (now += ms) };
}

describe('NonceBook (RFC 8555 §6.5)', () => {
  it('redeems an issued nonce once', () => {
    const { b } = book();
    const n = b.issue();
    expect(errorOf(() => b.redeem(n))).toBeUndefined();
    expect(errorOf(() => b.redeem(n))).toBe('badNonce');
  });
  it.each([
    ['never issued', 'nonce-99999999999999999999'],
    ['not in nonce form', 'x'],
    ['too long', 'a'.repeat(100)],
  ])('refuses a nonce %s', (_name, nonce) => {
    const { b } = book();
    b.issue();
    expect(errorOf(() => b.redeem(nonce))).toBe('badNonce');
  });
  it('refuses an expired nonce', () => {
    const { b, advance } = book();
    const n = b.issue();
    advance(1001);
    expect(errorOf(() => b.redeem(n))).toBe('badNonce');
  });
  it('forgets the oldest beyond its capacity', () => {
    const { b } = book(2);
    const first = b.issue();
    const second = b.issue();
    const third = b.issue();
    expect(b.size).toBe(2);
    expect(errorOf(() => b.redeem(first))).toBe('badNonce');
    expect(errorOf(() => b.redeem(second))).toBeUndefined();
    expect(errorOf(() => b.redeem(third))).toBeUndefined();
  });
});
