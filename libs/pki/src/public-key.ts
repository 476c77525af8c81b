import { createPublicKey, hash, type KeyObject } from 'node:crypto';
import { DerReader, contentOf, decodeBitString, readDer } from './der/reader.js';
import { Tag } from './der/tags.js';
import { KeyError } from './errors.js';
import { Oid } from './oids.js';

export interface PublicKeyDescription {
  /** `ecdsa-p256`, `ecdsa-p384`, `ecdsa-p521`, `rsa-<bits>`, `rsa-pss-<bits>`, `ed25519`, `ed448`, or `unknown:<oid>`. */
  keyType: string;
  algorithm: 'ec' | 'rsa' | 'rsa-pss' | 'ed25519' | 'ed448' | 'unknown';
  bits: number;
  /** NIST curve name for EC keys (`P-256`). */
  curve?: string;
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (the usual key pin). */
  spkiSha256: string;
}

const CURVES: Record<string, { curve: string; bits: number; keyType: string }> = {
  [Oid.prime256v1]: { curve: 'P-256', bits: 256, keyType: 'ecdsa-p256' },
  [Oid.secp384r1]: { curve: 'P-384', bits: 384, keyType: 'ecdsa-p384' },
  [Oid.secp521r1]: { curve: 'P-521', bits: 521, keyType: 'ecdsa-p521' },
};

function bitLength(magnitude: Buffer): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]));
}

export interface SpkiParts {
  algorithmOid: string;
  /** Named curve OID for EC keys. */
  curveOid?: string;
  /** The subjectPublicKey BIT STRING content (what RFC 5280 method 1 key identifiers hash). */
  publicKeyBytes: Buffer;
}

export function spkiParts(spkiDer: Buffer, path = 'subjectPublicKeyInfo'): SpkiParts {
  const spki = DerReader.of(readDer(spkiDer, path), path);
  const alg = spki.sequence('algorithm');
  const algorithmOid = alg.oid('algorithm');
  const curveOid =
    algorithmOid === Oid.ecPublicKey && alg.peekTag() === Tag.OID ? alg.oid('namedCurve') : undefined;
  const bits = decodeBitString(spki.expect(Tag.BIT_STRING, 'subjectPublicKey'), `${path}.subjectPublicKey`);
  spki.finish();
  return { algorithmOid, curveOid, publicKeyBytes: bits.bytes };
}

/** Describes a DER SubjectPublicKeyInfo without creating a KeyObject (cheap enough to do on every parse). */
export function describeSpki(spkiDer: Buffer): PublicKeyDescription {
  const parts = spkiParts(spkiDer);
  const spkiSha256 = hash('sha256', spkiDer, 'hex');
  switch (parts.algorithmOid) {
    case Oid.ecPublicKey: {
      const c = parts.curveOid ? CURVES[parts.curveOid] : undefined;
      if (!c)
        return {
          keyType: `ecdsa-${parts.curveOid ?? 'explicit-parameters'}`,
          algorithm: 'ec',
          bits: 0,
          spkiSha256,
        };
      return { keyType: c.keyType, algorithm: 'ec', bits: c.bits, curve: c.curve, spkiSha256 };
    }
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      const rsa = DerReader.of(readDer(parts.publicKeyBytes, 'RSAPublicKey'), 'RSAPublicKey');
      const bits = bitLength(contentOf(rsa.expect(Tag.INTEGER, 'modulus')));
      const algorithm = parts.algorithmOid === Oid.rsaEncryption ? 'rsa' : 'rsa-pss';
      return { keyType: `${algorithm}-${bits}`, algorithm, bits, spkiSha256 };
    }
    case Oid.ed25519:
      return { keyType: 'ed25519', algorithm: 'ed25519', bits: 256, spkiSha256 };
    case Oid.ed448:
      return { keyType: 'ed448', algorithm: 'ed448', bits: 456, spkiSha256 };
    default:
      return { keyType: `unknown:${parts.algorithmOid}`, algorithm: 'unknown', bits: 0, spkiSha256 };
  }
}

/** DER SubjectPublicKeyInfo of a public (or private) KeyObject. */
export function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.type !== 'public') throw new KeyError('public key: expected an asymmetric key, got a secret key');
  return pub.export({ type: 'spki', format: 'der' });
}

/** `{ keyType, bits, curve, spkiSha256 }` of a KeyObject; a private key is described by its public half. */
export function describePublicKey(key: KeyObject): PublicKeyDescription {
  return describeSpki(spkiOf(key));
}
