import { hash, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import type { PrivateKeyPem } from '#keyway/key-material';
import { signWith, signingAlgorithmFor, type SigningAlgorithm } from './algorithms.js';
import { IssuerError, KeyError } from './errors.js';
import { authorityKeyIdExtension } from './extensions.js';
import { loadPrivateKey, privateKeyMatchesSpki } from './keys.js';
import { parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import { encodePem } from './pem.js';
import { spkiParts } from './public-key.js';

/** What signing a TBS structure needs: precomputed once per issuer, so issuing is keygen + one signature. */
export interface Signer {
  /** Issuer Name exactly as encoded in the issuer certificate's subject. */
  readonly nameDer: Buffer;
  readonly keyId: Buffer;
  readonly authorityKeyIdExtension: Buffer;
  readonly signingAlgorithm: SigningAlgorithm;
  sign(data: Buffer): Buffer;
}

export interface IssuerInput {
  /** The CA certificate, PEM or DER. */
  certificate: string | Uint8Array;
  privateKey: KeyObject | PrivateKeyPem;
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  return hash('sha1', spkiParts(spkiDer).publicKeyBytes, 'buffer');
}

/**
 * A CA ready to sign: certificate parsed, key checked against it, Name/AKI/algorithm encoded once.
 * Build one per CA and reuse it; the private key stays inside (it is not enumerable or printable).
 */
export class Issuer implements Signer {
  readonly certificate: ParsedCertificate;
  readonly certificatePem: string;
  readonly nameDer: Buffer;
  readonly keyId: Buffer;
  readonly authorityKeyIdExtension: Buffer;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly #privateKey: KeyObject;

  private constructor(certificate: ParsedCertificate, privateKey: KeyObject) {
    this.certificate = certificate;
    this.certificatePem = encodePem('CERTIFICATE', certificate.der);
    this.nameDer = certificate.subjectName.der;
    this.keyId = certificate.subjectKeyId
      ? Buffer.from(certificate.subjectKeyId, 'hex')
      : keyIdentifier(certificate.spkiDer);
    this.authorityKeyIdExtension = authorityKeyIdExtension(this.keyId);
    this.signingAlgorithm = signingAlgorithmFor(privateKey);
    this.#privateKey = privateKey;
  }

  /** Throws IssuerError when the certificate is not a CA or the key is not its partner. */
  static from(input: IssuerInput): Issuer {
    const certificate = parseCertificate(input.certificate);
    const who = certificate.subject || certificate.fingerprintSha256;
    if (!certificate.isCa)
      throw new IssuerError(`issuer ${who}: certificate is not a CA (basicConstraints cA is not true)`);
    if (certificate.hasKeyUsage && !certificate.keyUsage.includes('keyCertSign')) {
      throw new IssuerError(`issuer ${who}: keyUsage lacks keyCertSign`);
    }
    let privateKey: KeyObject;
    try {
      privateKey = loadPrivateKey(input.privateKey);
    } catch (err) {
      throw new IssuerError(`issuer ${who}: ${(err as KeyError).message}`);
    }
    if (!privateKeyMatchesSpki(privateKey, certificate.spkiDer)) {
      throw new IssuerError(`issuer ${who}: private key does not match the certificate's public key`);
    }
    return new Issuer(certificate, privateKey);
  }

  sign(data: Buffer): Buffer {
    return signWith(this.signingAlgorithm, this.#privateKey, data);
  }

  /** Whether `certificate` is the same CA certificate (by fingerprint). */
  is(certificate: ParsedCertificate): boolean {
    return certificate.fingerprintSha256 === this.certificate.fingerprintSha256;
  }

  toJSON(): { subject: string; fingerprintSha256: string } {
    return { subject: this.certificate.subject, fingerprintSha256: this.certificate.fingerprintSha256 };
  }

  [inspect.custom](): string {
    return `Issuer(${this.certificate.subject}, sha256 ${this.certificate.fingerprintSha256})`;
  }
}

/** A signer for a self-signed certificate: the subject signs itself. */
export function selfSigner(nameDer: Buffer, spkiDer: Buffer, privateKey: KeyObject): Signer {
  const keyId = keyIdentifier(spkiDer);
  const signingAlgorithm = signingAlgorithmFor(privateKey);
  return {
    nameDer,
    keyId,
    authorityKeyIdExtension: authorityKeyIdExtension(keyId),
    signingAlgorithm,
    sign: (data) => signWith(signingAlgorithm, privateKey, data),
  };
}
