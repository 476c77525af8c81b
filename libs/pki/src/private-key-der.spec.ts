import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  bitString,
  encodeDer,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  type DerNode,
} from './der/writer.js';
import { KeyError } from './errors.js';
import { Oid } from './oids.js';
import {
  privateKeyDerMatchesSpki,
  publicPartOfPrivateKeyDer,
  type PrivateKeyDerFormat,
} from './private-key-der.js';

const spki = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' });
const der = (key: KeyObject, type: PrivateKeyDerFormat) => key.export({ format: 'der', type }) as Buffer;
const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');

const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).privateKey;
const rsa = (modulusLength = 2048) => generateKeyPairSync('rsa', { modulusLength }).privateKey;

/** An RFC 5915 ECPrivateKey written by hand: the curve and the public point optional. */
function sec1(key: KeyObject, curveOid: string | undefined, point?: Buffer): Buffer {
  const d = b64(key.export({ format: 'jwk' }).d);
  const parts: DerNode[] = [integer(1), octetString(d)];
  if (curveOid) parts.push(explicit(0, oid(curveOid)));
  if (point) parts.push(explicit(1, bitString(point)));
  return encodeDer(sequence(...parts));
}

const uncompressedPoint = (key: KeyObject) => {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), b64(jwk.x), b64(jwk.y)]);
};

/** A PKCS#1 RSAPrivateKey with one field replaced (by name). */
function rsaWith(key: KeyObject, replace: Partial<Record<'n' | 'e' | 'p' | 'q', Buffer>>): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const f = (name: 'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi') =>
    integer(BigInt(`0x${((replace as Record<string, Buffer>)[name] ?? b64(jwk[name])).toString('hex')}`));
  return encodeDer(sequence(integer(0), f('n'), f('e'), f('d'), f('p'), f('q'), f('dp'), f('dq'), f('qi')));
}

describe('the public half of a DER private key, read without OpenSSL', () => {
  describe.each([
    ['EC P-256', () => ec('P-256')],
    ['EC P-384', () => ec('P-384')],
    ['EC P-521', () => ec('P-521')],
    ['RSA 2048', () => rsa()],
  ])('%s', (_, make) => {
    const key = make();
    const other = make();
    const formats: PrivateKeyDerFormat[] =
      key.asymmetricKeyType === 'ec' ? ['pkcs8', 'sec1'] : ['pkcs8', 'pkcs1'];

    it.each(formats)('matches its own certificate key and no other (%s)', (format) => {
      expect(privateKeyDerMatchesSpki(der(key, format), format, spki(key))).toBe(true);
      expect(privateKeyDerMatchesSpki(der(key, format), format, spki(other))).toBe(false);
    });

    it('agrees with node on 20 fresh keys', () => {
      for (let i = 0; i < 20; i++) {
        const k = make();
        const o = make();
        for (const format of formats)
          expect([
            privateKeyDerMatchesSpki(der(k, format), format, spki(k)),
            privateKeyDerMatchesSpki(der(k, format), format, spki(o)),
          ]).toEqual([true, false]);
      }
    });
  });

  it('derives the point of an EC key that does not carry it, and takes the curve from PKCS#8 or SEC1', () => {
    const key = ec('P-256');
    expect(privateKeyDerMatchesSpki(sec1(key, Oid.prime256v1), 'sec1', spki(key))).toBe(true);
    expect(
      privateKeyDerMatchesSpki(sec1(key, Oid.prime256v1, uncompressedPoint(key)), 'sec1', spki(key)),
    ).toBe(true);
    const pkcs8 = encodeDer(
      sequence(
        integer(0),
        sequence(oid(Oid.ecPublicKey), oid(Oid.prime256v1)),
        octetString(sec1(key, undefined)),
      ),
    );
    expect(privateKeyDerMatchesSpki(pkcs8, 'pkcs8', spki(key))).toBe(true);
    // node reads the hand-written forms the same way.
    expect(spki(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).equals(spki(key))).toBe(true);
  });

  it('matches a certificate that writes its EC point compressed', () => {
    const key = ec('P-256');
    const compressed = createPublicKey(key).export({ format: 'jwk' });
    const y = b64(compressed.y);
    const point = Buffer.concat([Buffer.from([2 + (y[y.length - 1] & 1)]), b64(compressed.x)]);
    const cert = encodeDer(sequence(sequence(oid(Oid.ecPublicKey), oid(Oid.prime256v1)), bitString(point)));
    expect(privateKeyDerMatchesSpki(der(key, 'sec1'), 'sec1', cert)).toBe(true);
  });

  it('is no match across curves or algorithms', () => {
    const p256 = ec('P-256');
    expect(privateKeyDerMatchesSpki(der(p256, 'pkcs8'), 'pkcs8', spki(ec('P-384')))).toBe(false);
    expect(privateKeyDerMatchesSpki(der(p256, 'pkcs8'), 'pkcs8', spki(rsa()))).toBe(false);
    expect(privateKeyDerMatchesSpki(der(p256, 'pkcs8'), 'pkcs8', Buffer.from('not a key'))).toBe(false);
  });

  it('leaves other key types to node (Ed25519, RSA-PSS)', () => {
    for (const key of [
      generateKeyPairSync('ed25519').privateKey,
      generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey,
    ]) {
      expect(privateKeyDerMatchesSpki(der(key, 'pkcs8'), 'pkcs8', spki(key))).toBe(true);
      expect(publicPartOfPrivateKeyDer(der(key, 'pkcs8'), 'pkcs8').publicKeyBytes.length).toBeGreaterThan(0);
    }
  });

  describe('refuses keys that are not what they claim, naming the structure and never the key', () => {
    const key = ec('P-256');
    const d = b64(key.export({ format: 'jwk' }).d);
    const r = rsa();
    const cases: Array<[string, Buffer, PrivateKeyDerFormat, RegExp]> = [
      [
        'an EC key whose written point is not its scalar’s',
        sec1(key, Oid.prime256v1, uncompressedPoint(ec('P-256'))),
        'sec1',
        /ECPrivateKey\.publicKey is not the point of its private scalar/,
      ],
      [
        'a zero scalar',
        encodeDer(sequence(integer(1), octetString(Buffer.alloc(32)), explicit(0, oid(Oid.prime256v1)))),
        'sec1',
        /not a valid scalar for prime256v1/,
      ],
      ['an EC key without a curve', sec1(key, undefined), 'sec1', /names no curve/],
      [
        'PKCS#8 and SEC1 naming different curves',
        encodeDer(
          sequence(
            integer(0),
            sequence(oid(Oid.ecPublicKey), oid(Oid.secp384r1)),
            octetString(sec1(key, Oid.prime256v1)),
          ),
        ),
        'pkcs8',
        /name another curve/,
      ],
      [
        'an RSA modulus that is not the product of its primes',
        rsaWith(r, { n: b64(rsa().export({ format: 'jwk' }).n) }),
        'pkcs1',
        /modulus is not the product of its primes/,
      ],
      ['truncated DER', der(key, 'pkcs8').subarray(0, 40), 'pkcs8', /PrivateKeyInfo/],
      ['trailing bytes', Buffer.concat([der(key, 'sec1'), Buffer.from([0])]), 'sec1', /trailing data/],
      ['PKCS#8 version 5', encodeDer(sequence(integer(5))), 'pkcs8', /version 5/],
      ['garbage', Buffer.from('not DER at all'), 'pkcs1', /private key \(pkcs1\)/],
    ];
    it.each(cases)('%s', (_, bytes, format, message) => {
      let error: unknown;
      try {
        publicPartOfPrivateKeyDer(bytes, format);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KeyError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(d.toString('hex'));
      expect((error as Error).message).not.toContain(d.toString('base64'));
    });
  });
});
