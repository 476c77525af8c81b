import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  generateKeyPairSync,
  type ECDH,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';
import { PrivateKeyPem } from '#keyway/key-material';
import { encodeDer, bitString, explicit, integer, octetString, oid, sequence } from './der/writer.js';
import { KeyError } from './errors.js';
import { Oid } from './oids.js';
import { decodePemBlocks, encodePem } from './pem.js';
import { privateKeyDerMatchesSpki, privateKeyFormatOfPemLabel } from './private-key-der.js';
import { spkiOf } from './public-key.js';

export const KEY_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface KeyPair {
  readonly keyType: KeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM, redacted everywhere except `.reveal()`. */
  readonly privateKeyPem: PrivateKeyPem;
  /** DER SubjectPublicKeyInfo, ready to go into a certificate or CSR. */
  readonly spkiDer: Buffer;
}

interface EcLayout {
  curve: string;
  jwkCurve: string;
  size: number;
  /** SPKI bytes before the uncompressed point. */
  spkiPrefix: Buffer;
  /** PKCS#8 bytes with the scalar and point zeroed, and where the scalar goes. */
  pkcs8Template: Buffer;
  scalarOffset: number;
}

/**
 * A fresh KeyObject pays an OpenSSL key conversion on its first export, and the SPKI/PKCS#8 encoders
 * cost more than generating the key; so EC keys are generated as raw bytes (ECDH), the DER is assembled
 * around fixed templates, and KeyObjects are built only when asked for.
 */
function ecLayout(curve: string, jwkCurve: string, curveOid: string, size: number): EcLayout {
  const algId = sequence(oid(Oid.ecPublicKey), oid(curveOid));
  const point = Buffer.alloc(1 + 2 * size);
  const spki = encodeDer(sequence(algId, bitString(point)));
  const marker = Buffer.alloc(size, 0xa5);
  const ecPrivateKey = encodeDer(sequence(integer(1), octetString(marker), explicit(1, bitString(point))));
  const pkcs8Template = encodeDer(sequence(integer(0), algId, octetString(ecPrivateKey)));
  const scalarOffset = pkcs8Template.indexOf(marker);
  pkcs8Template.fill(0, scalarOffset, scalarOffset + size);
  return {
    curve,
    jwkCurve,
    size,
    spkiPrefix: spki.subarray(0, spki.length - point.length),
    pkcs8Template,
    scalarOffset,
  };
}

const EC_LAYOUTS: Partial<Record<KeyType, EcLayout>> = {
  'ecdsa-p256': ecLayout('prime256v1', 'P-256', Oid.prime256v1, 32),
  'ecdsa-p384': ecLayout('secp384r1', 'P-384', Oid.secp384r1, 48),
};

const RSA_BITS: Partial<Record<KeyType, number>> = { 'rsa-2048': 2048, 'rsa-3072': 3072, 'rsa-4096': 4096 };

function checkKeyType(keyType: string): asserts keyType is KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new KeyError(`keyType: ${JSON.stringify(keyType)}: must be one of ${KEY_TYPES.join(', ')}`);
  }
}

/** An EC key pair held as encodings; its KeyObjects are created on first use and then kept. */
class EcKeyPair implements KeyPair {
  readonly keyType: KeyType;
  readonly privateKeyPem: PrivateKeyPem;
  readonly spkiDer: Buffer;
  readonly #jwk: JsonWebKey;
  #privateKey?: KeyObject;
  #publicKey?: KeyObject;

  constructor(keyType: KeyType, layout: EcLayout, scalar: Buffer, point: Buffer) {
    const { size, spkiPrefix, pkcs8Template, scalarOffset } = layout;
    this.keyType = keyType;
    this.spkiDer = Buffer.allocUnsafe(spkiPrefix.length + point.length);
    spkiPrefix.copy(this.spkiDer, 0);
    point.copy(this.spkiDer, spkiPrefix.length);
    const pkcs8 = Buffer.from(pkcs8Template);
    scalar.copy(pkcs8, scalarOffset + size - scalar.length);
    point.copy(pkcs8, pkcs8.length - point.length);
    this.privateKeyPem = new PrivateKeyPem(encodePem('PRIVATE KEY', pkcs8));
    const padded = Buffer.alloc(size);
    scalar.copy(padded, size - scalar.length);
    this.#jwk = {
      kty: 'EC',
      crv: layout.jwkCurve,
      d: padded.toString('base64url'),
      x: point.subarray(1, 1 + size).toString('base64url'),
      y: point.subarray(1 + size).toString('base64url'),
    };
    pkcs8.fill(0);
    padded.fill(0);
  }

  get privateKey(): KeyObject {
    return (this.#privateKey ??= createPrivateKey({ key: this.#jwk, format: 'jwk' }));
  }

  get publicKey(): KeyObject {
    if (!this.#publicKey) {
      const { kty, crv, x, y } = this.#jwk;
      this.#publicKey = createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
    }
    return this.#publicKey;
  }

  toJSON(): { keyType: KeyType } {
    return { keyType: this.keyType };
  }

  [inspect.custom](): string {
    return `KeyPair(${this.keyType})`;
  }
}

// One ECDH object per curve: each generateKeys() makes a new key, and constructing the object costs
// as much as generating. It keeps the latest scalar, which its caller holds anyway.
const ecdhByCurve = new Map<string, ECDH>();

function generateEc(keyType: KeyType, layout: EcLayout): KeyPair {
  let ecdh = ecdhByCurve.get(layout.curve);
  if (!ecdh) ecdhByCurve.set(layout.curve, (ecdh = createECDH(layout.curve)));
  const point = ecdh.generateKeys();
  const scalar = ecdh.getPrivateKey();
  const pair = new EcKeyPair(keyType, layout, scalar, point);
  scalar.fill(0);
  return pair;
}

function rsaKeyPair(keyType: KeyType, privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return {
    keyType,
    privateKey,
    publicKey,
    privateKeyPem: new PrivateKeyPem(pem),
    spkiDer: spkiOf(publicKey),
  };
}

/** Generates a key pair synchronously (RSA-4096 can take seconds: prefer the async form for RSA in servers). */
export function generateKeyPair(keyType: KeyType = 'ecdsa-p256'): KeyPair {
  checkKeyType(keyType);
  const layout = EC_LAYOUTS[keyType];
  if (layout) return generateEc(keyType, layout);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: RSA_BITS[keyType]!,
    publicExponent: 65537,
  });
  return rsaKeyPair(keyType, privateKey, publicKey);
}

/** Generates a key pair without blocking the event loop for RSA (libuv thread pool); EC is cheap and stays inline. */
export function generateKeyPairAsync(keyType: KeyType = 'ecdsa-p256'): Promise<KeyPair> {
  checkKeyType(keyType);
  const layout = EC_LAYOUTS[keyType];
  if (layout) return Promise.resolve(generateEc(keyType, layout));
  return new Promise((resolve, reject) => {
    generateKeyPairCallback(
      'rsa',
      { modulusLength: RSA_BITS[keyType]!, publicExponent: 65537 },
      (err, publicKey, privateKey) => {
        if (err) return reject(new KeyError(`keyType ${keyType}: generation failed: ${err.message}`));
        resolve(rsaKeyPair(keyType, privateKey, publicKey));
      },
    );
  });
}

/** Loads a private key (PKCS#8, SEC1 or PKCS#1 PEM). Errors never quote the key. */
export function loadPrivateKey(key: PrivateKeyPem | KeyObject): KeyObject {
  if (!(key instanceof PrivateKeyPem)) {
    if (key.type !== 'private')
      throw new KeyError(`private key: expected a private KeyObject, got a ${key.type} key`);
    return key;
  }
  const pem = key.reveal();
  if (/ENCRYPTED/.test(pem)) throw new KeyError('private key: encrypted keys are not supported');
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyError('private key: cannot be parsed (expected a PKCS#8, SEC1 or PKCS#1 PEM)');
  }
}

/** Public half of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

/**
 * Whether a private key is the partner of a DER SubjectPublicKeyInfo (e.g. a certificate's). A PEM is
 * read as DER without loading it into OpenSSL (private-key-der.ts says why).
 */
export function privateKeyMatchesSpki(privateKey: PrivateKeyPem | KeyObject, spkiDer: Buffer): boolean {
  if (!(privateKey instanceof PrivateKeyPem)) return spkiOf(loadPrivateKey(privateKey)).equals(spkiDer);
  const blocks = decodePemBlocks(privateKey.reveal());
  const format = blocks.length === 1 ? privateKeyFormatOfPemLabel(blocks[0].label) : undefined;
  if (!format) throw new KeyError('private key: expected one PKCS#8, SEC1 or PKCS#1 PEM block');
  return privateKeyDerMatchesSpki(blocks[0].der, format, spkiDer);
}
