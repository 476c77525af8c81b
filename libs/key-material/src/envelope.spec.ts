import { randomBytes } from 'node:crypto';
import { EnvelopeError, Keyring } from './envelope.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('AES-256-GCM envelope', () => {
  it('round-trips and binds the associated data', () => {
    const ring = new Keyring([k1]);
    const sealed = ring.seal('secret material', 'istio-system/httpbin-credential');
    expect(sealed.kid).toBe('k1');
    expect(sealed.ciphertext).not.toContain('secret');
    expect(ring.open(sealed, 'istio-system/httpbin-credential').toString()).toBe('secret material');
    expect(() => ring.open(sealed, 'istio-system/other')).toThrow(EnvelopeError);
  });

  it.each(['ciphertext', 'tag', 'iv'] as const)('detects tampering with %s', (field) => {
    const ring = new Keyring([k1]);
    const sealed = ring.seal('secret material');
    const bytes = Buffer.from(sealed[field], 'base64');
    bytes[0] ^= 0x01;
    expect(() => ring.open({ ...sealed, [field]: bytes.toString('base64') })).toThrow(
      /authentication failed/,
    );
  });

  it('detects a swapped key id', () => {
    const ring = new Keyring([k1, k2]);
    const sealed = ring.seal('x');
    expect(() => ring.open({ ...sealed, kid: 'k2' })).toThrow(/authentication failed/);
  });

  it('rotates: a new active key seals, old envelopes still open, reseal moves them', () => {
    const old = new Keyring([k1]);
    const sealed = old.seal('x');
    const rotated = new Keyring([k2, k1]);
    expect(rotated.activeKeyId).toBe('k2');
    expect(rotated.open(sealed).toString()).toBe('x');
    const moved = rotated.reseal(sealed);
    expect(moved.kid).toBe('k2');
    expect(() => new Keyring([k2]).open(sealed)).toThrow(/data key k1: not in this service's keyring/);
  });

  it('parses a keyring spec and refuses short keys', () => {
    const ring = Keyring.parse(`a:${k1.key.toString('base64')},b:${k2.key.toString('base64')}`);
    expect(ring.keyIds()).toEqual(['a', 'b']);
    expect(() => Keyring.parse('a:c2hvcnQ=')).toThrow(/data key a: must be 32 bytes, got 5/);
  });
});
