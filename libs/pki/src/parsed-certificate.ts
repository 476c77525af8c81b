import { hash } from 'node:crypto';
import { readAlgorithmIdentifier, signatureAlgorithmName } from './algorithms.js';
import { DerReader, decodeBitString, integerHex, rawOf, readDer } from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import { DerError } from './errors.js';
import { decodeExtensions, readExtensions, type Extension } from './extensions.js';
import type { SubjectAltNames } from './general-names.js';
import { parseName, type ParsedName } from './name.js';
import type { KeyUsage } from './oids.js';
import { toDer } from './pem.js';
import { describeSpki, type PublicKeyDescription } from './public-key.js';

export interface ParsedCertificate {
  /** 1, 2 or 3. */
  version: number;
  /** Lowercase hex, no colons, without the DER sign octet. */
  serialHex: string;
  /** RFC 4514 text, most specific first: `CN=httpbin.example.com,O=httpbin organization`. */
  subject: string;
  subjectName: ParsedName;
  issuer: string;
  issuerName: ParsedName;
  sans: SubjectAltNames;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  pathLen?: number;
  keyUsage: KeyUsage[];
  hasKeyUsage: boolean;
  extKeyUsage: string[];
  publicKey: PublicKeyDescription;
  spkiDer: Buffer;
  /** Lowercase hex SHA-256 of the whole DER certificate, no colons. */
  fingerprintSha256: string;
  spkiSha256: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** Subject and issuer names are the same (a root, or a self-issued key rollover certificate). */
  selfIssued: boolean;
  extensions: Extension[];
  /** Critical extensions this library does not interpret (validators must reject such certificates). */
  unhandledCriticalExtensions: string[];
  tbsDer: Buffer;
  /** `ecdsa-with-SHA256`, `sha256WithRSAEncryption`..., or the dotted OID. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** The outer AlgorithmIdentifier, kept for verification (RSASSA-PSS parameters). */
  signatureAlgorithmDer: Buffer;
  signature: Buffer;
  der: Buffer;
}

/**
 * The DER SubjectPublicKeyInfo of a DER certificate, reading only the fields before it. A tenth of
 * the cost of node's `cert.publicKey.export()`, which the credential pipeline paid on every version
 * for the public key fingerprint. Throws DerError.
 */
export function certificateSpkiDer(der: Uint8Array): Buffer {
  const cert = DerReader.of(readDer(Buffer.from(der), 'certificate'), 'certificate');
  const tbs = DerReader.of(cert.expect(Tag.SEQUENCE, 'tbsCertificate'), 'certificate.tbsCertificate');
  tbs.optional(contextTag(0, true), 'version');
  tbs.expect(Tag.INTEGER, 'serialNumber');
  tbs.expect(Tag.SEQUENCE, 'signature');
  tbs.expect(Tag.SEQUENCE, 'issuer');
  tbs.expect(Tag.SEQUENCE, 'validity');
  tbs.expect(Tag.SEQUENCE, 'subject');
  return rawOf(tbs.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo'));
}

/** Parses an X.509 certificate from PEM (the first CERTIFICATE block) or DER. Throws DerError/PemError. */
export function parseCertificate(pemOrDer: string | Uint8Array): ParsedCertificate {
  // A private copy: everything returned is a view into it, so later changes to the input cannot leak in.
  const der = Buffer.from(toDer(pemOrDer, 'CERTIFICATE'));
  const cert = DerReader.of(readDer(der, 'certificate'), 'certificate');
  const tbsEl = cert.expect(Tag.SEQUENCE, 'tbsCertificate');
  const outerAlg = readAlgorithmIdentifier(cert, 'signatureAlgorithm');
  const signatureBits = decodeBitString(
    cert.expect(Tag.BIT_STRING, 'signatureValue'),
    'certificate.signatureValue',
  );
  cert.finish();

  const tbs = DerReader.of(tbsEl, 'certificate.tbsCertificate');
  const versionEl = tbs.optional(contextTag(0, true), 'version');
  const version = versionEl
    ? DerReader.of(versionEl, 'certificate.tbsCertificate.version').smallInteger('value') + 1
    : 1;
  if (version < 1 || version > 3)
    throw new DerError(`der: certificate.tbsCertificate.version: unknown version ${version}`);
  const serialHex = integerHex(tbs.integerBytes('serialNumber'));
  const innerAlg = readAlgorithmIdentifier(tbs, 'signature');
  if (!innerAlg.der.equals(outerAlg.der)) {
    throw new DerError(
      'der: certificate: tbsCertificate.signature differs from signatureAlgorithm (RFC 5280 4.1.1.2)',
    );
  }
  const issuerName = parseName(tbs.expect(Tag.SEQUENCE, 'issuer'), 'certificate.tbsCertificate.issuer');
  const validity = tbs.sequence('validity');
  const notBefore = validity.time('notBefore');
  const notAfter = validity.time('notAfter');
  validity.finish();
  const subjectName = parseName(tbs.expect(Tag.SEQUENCE, 'subject'), 'certificate.tbsCertificate.subject');
  const spkiDer = rawOf(tbs.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo'));
  tbs.optional(contextTag(1, false), 'issuerUniqueID');
  tbs.optional(contextTag(2, false), 'subjectUniqueID');
  let extensions: Extension[] = [];
  const extEl = tbs.optional(contextTag(3, true), 'extensions');
  if (extEl) {
    const wrapper = DerReader.of(extEl, 'certificate.tbsCertificate.extensions');
    extensions = readExtensions(wrapper.expect(Tag.SEQUENCE, 'list'), 'certificate.extensions');
    wrapper.finish();
  }
  tbs.finish();
  if (signatureBits.unusedBits !== 0)
    throw new DerError('der: certificate.signatureValue: unused bits in a signature');

  const decoded = decodeExtensions(extensions, 'certificate.extensions');
  const publicKey = describeSpki(spkiDer);
  return {
    version,
    serialHex,
    subject: subjectName.text,
    subjectName,
    issuer: issuerName.text,
    issuerName,
    sans: decoded.sans,
    notBefore,
    notAfter,
    isCa: decoded.isCa,
    pathLen: decoded.pathLen,
    keyUsage: decoded.keyUsage,
    hasKeyUsage: decoded.hasKeyUsage,
    extKeyUsage: decoded.extKeyUsage,
    publicKey,
    spkiDer,
    fingerprintSha256: hash('sha256', der, 'hex'),
    spkiSha256: publicKey.spkiSha256,
    subjectKeyId: decoded.subjectKeyId,
    authorityKeyId: decoded.authorityKeyId,
    selfIssued: subjectName.der.equals(issuerName.der),
    extensions,
    unhandledCriticalExtensions: decoded.unhandledCritical,
    tbsDer: rawOf(tbsEl),
    signatureAlgorithm: signatureAlgorithmName(outerAlg.oid),
    signatureAlgorithmOid: outerAlg.oid,
    signatureAlgorithmDer: outerAlg.der,
    signature: signatureBits.bytes,
    der,
  };
}

/** Accepts an already parsed certificate to avoid parsing twice. */
export function asParsedCertificate(input: string | Uint8Array | ParsedCertificate): ParsedCertificate {
  return typeof input === 'object' && 'tbsDer' in input ? input : parseCertificate(input);
}
