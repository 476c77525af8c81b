import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { PrivateKeyPem, REDACTION_MARKER } from '#keyway/key-material';
import { KeyError } from './errors.js';
import { describePublicKey, describeSpki } from './public-key.js';
import {
  KEY_TYPES,
  generateKeyPair,
  generateKeyPairAsync,
  loadPrivateKey,
  privateKeyMatchesSpki,
  type KeyPair,
  type KeyType,
} from './keys.js';

function checkPair(pair: KeyPair, keyType: KeyType, bits: number, curve?: string): void {
  expect(pair.keyType).toBe(keyType);
  expect(pair.privateKeyPem).toBeInstanceOf(PrivateKeyPem);
  // The PKCS#8 PEM, the KeyObjects and the SPKI all describe one key.
  const fromPem = createPrivateKey(pair.privateKeyPem.reveal());
  expect(pair.privateKeyPem.reveal()).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  expect(createPublicKey(fromPem).export({ type: 'spki', format: 'der' }).equals(pair.spkiDer)).toBe(true);
  expect(pair.publicKey.export({ type: 'spki', format: 'der' }).equals(pair.spkiDer)).toBe(true);
  expect(pair.privateKey.type).toBe('private');
  const signature = sign('sha256', Buffer.from('x'), pair.privateKey);
  expect(verify('sha256', Buffer.from('x'), pair.publicKey, signature)).toBe(true);
  expect(describePublicKey(pair.publicKey)).toEqual(describeSpki(pair.spkiDer));
  const described = describeSpki(pair.spkiDer);
  expect([described.keyType, described.bits, described.curve]).toEqual([keyType, bits, curve]);
}

describe('key pairs', () => {
  it('lists the supported key types', () => {
    expect(KEY_TYPES).toEqual(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096']);
  });

  it('generates ECDSA P-256 by default, with a PKCS#8 PEM identical to OpenSSL encoding', () => {
    const pair = generateKeyPair();
    checkPair(pair, 'ecdsa-p256', 256, 'P-256');
    const reexported = createPrivateKey(pair.privateKeyPem.reveal()).export({ type: 'pkcs8', format: 'pem' });
    expect(pair.privateKeyPem.reveal() === reexported).toBe(true);
  });

  it('generates ECDSA P-384', () => {
    const pair = generateKeyPair('ecdsa-p384');
    checkPair(pair, 'ecdsa-p384', 384, 'P-384');
    expect(
      pair.privateKeyPem.reveal() ===
        createPrivateKey(pair.privateKeyPem.reveal()).export({ type: 'pkcs8', format: 'pem' }),
    ).toBe(true);
  });

  it('generates RSA-2048 synchronously and RSA-3072 off the event loop', async () => {
    checkPair(generateKeyPair('rsa-2048'), 'rsa-2048', 2048);
    checkPair(await generateKeyPairAsync('rsa-3072'), 'rsa-3072', 3072);
    checkPair(await generateKeyPairAsync('ecdsa-p256'), 'ecdsa-p256', 256, 'P-256');
  }, 30_000);

  it('refuses an unknown key type', () => {
    expect(() => generateKeyPair('dsa-1024' as KeyType)).toThrow(KeyError);
    expect(() => generateKeyPair('dsa-1024' as KeyType)).toThrow(
      'keyType: "dsa-1024": must be one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096',
    );
  });

  it('never shows the private key in JSON, inspect or template strings', () => {
    const pair = generateKeyPair();
    const pem = pair.privateKeyPem.reveal();
    const body = pem.split('\n')[1];
    for (const text of [
      JSON.stringify(pair),
      inspect(pair, { depth: 5 }),
      `${pair.privateKeyPem}`,
      JSON.stringify({ pair }),
    ]) {
      expect(text).not.toContain(body);
      expect(text).not.toContain('PRIVATE KEY-----');
    }
    expect(JSON.stringify({ k: pair.privateKeyPem })).toContain(REDACTION_MARKER);
  });

  it('loads PEM keys, matches them to an SPKI, and fails without quoting the key', () => {
    const pair = generateKeyPair();
    const other = generateKeyPair();
    expect(privateKeyMatchesSpki(pair.privateKeyPem, pair.spkiDer)).toBe(true);
    expect(privateKeyMatchesSpki(pair.privateKey, other.spkiDer)).toBe(false);
    expect(loadPrivateKey(pair.privateKeyPem).asymmetricKeyType).toBe('ec');
    const broken = new PrivateKeyPem(
      pair.privateKeyPem.reveal().replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA'),
    );
    let message = '';
    try {
      loadPrivateKey(broken);
    } catch (err) {
      expect(err).toBeInstanceOf(KeyError);
      message = (err as Error).message;
    }
    expect(message).toBe('private key: cannot be parsed (expected a PKCS#8, SEC1 or PKCS#1 PEM)');
    expect(() => loadPrivateKey(pair.publicKey)).toThrow(
      'private key: expected a private KeyObject, got a public key',
    );
  });
});
