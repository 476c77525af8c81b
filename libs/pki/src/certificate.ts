import { createPublicKey, hash, type KeyObject } from 'node:crypto';
import { encodeTime, truncateToSeconds } from './der/time.js';
import { bitString, encodeDer, explicit, integerFromUnsigned, sequence, type DerNode } from './der/writer.js';
import { RequestError, type FieldProblem } from './errors.js';
import { extension, subjectAltNameExtension, subjectKeyIdExtension, type Extension } from './extensions.js';
import { hasSans, sansProblems, type SansInput } from './general-names.js';
import { Issuer, keyIdentifier, selfSigner, type IssuerInput, type Signer } from './issuer.js';
import { KEY_TYPES, generateKeyPair, type KeyPair, type KeyType } from './keys.js';
import { attributeProblems, encodeName, nameAttributes, type NameInput } from './name.js';
import { Oid } from './oids.js';
import { encodePem } from './pem.js';
import { CERTIFICATE_PROFILES, isCaProfile, profileExtensions, type CertificateProfile } from './profiles.js';
import { spkiOf, spkiParts } from './public-key.js';
import { randomSerial, serialBytes } from './serial.js';

export interface IssueRequest {
  profile: CertificateProfile;
  /** Optional for leaf certificates that carry SANs (the SAN extension is then critical). */
  subject?: NameInput;
  sans?: SansInput;
  /** Defaults to now. Milliseconds are dropped. */
  notBefore?: Date;
  notAfter: Date;
  /** BasicConstraints pathLenConstraint, CA profiles only. */
  pathLen?: number;
  /** Defaults to 16 random bytes. */
  serialHex?: string;
  /** The CA that signs. Absent: self-signed by the subject key (needs `keyPair` or a generated key). */
  issuer?: Issuer | IssuerInput;
  /** Use this subject key pair. */
  keyPair?: KeyPair;
  /** Or only the subject's public key (KeyObject or DER SPKI), e.g. from a CSR; needs an issuer. */
  publicKey?: KeyObject | Buffer;
  /** Or generate a key of this type (default ecdsa-p256). */
  keyType?: KeyType;
  /** Further extensions, written after the profile's (e.g. RFC 8737's acmeIdentifier). */
  extraExtensions?: readonly Extension[];
}

export interface IssueResult {
  der: Buffer;
  pem: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  subjectKeyId: string;
  fingerprintSha256: string;
  /** The subject key pair when it was generated or passed in; absent when only a public key was given. */
  keyPair?: KeyPair;
}

const VERSION_3 = encodeDer(explicit(0, Buffer.from([0x02, 0x01, 0x02])));

function isDate(d: unknown): d is Date {
  return d instanceof Date && Number.isFinite(d.getTime());
}

/** Every problem with an issue request, by field path; empty when it can be issued. */
export function validateIssueRequest(request: IssueRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { profile } = request;
  if (!(CERTIFICATE_PROFILES as readonly string[]).includes(profile)) {
    problems.push({ field: 'profile', message: `must be one of ${CERTIFICATE_PROFILES.join(', ')}` });
    return problems;
  }
  const attributes = nameAttributes(request.subject);
  problems.push(
    ...attributeProblems(attributes, Array.isArray(request.subject), 'subject'),
    ...sansProblems(request.sans, 'sans'),
  );
  const emptySubject = attributes.length === 0;
  if (isCaProfile(profile) && emptySubject)
    problems.push({ field: 'subject', message: 'a CA certificate needs a non-empty subject' });
  if (emptySubject && !hasSans(request.sans))
    problems.push({ field: 'subject', message: 'needs a subject or at least one SAN' });
  const notBefore = request.notBefore ?? new Date();
  if (!isDate(notBefore)) problems.push({ field: 'notBefore', message: 'must be a valid Date' });
  if (!isDate(request.notAfter)) problems.push({ field: 'notAfter', message: 'must be a valid Date' });
  else if (isDate(notBefore) && truncateToSeconds(request.notAfter) <= truncateToSeconds(notBefore)) {
    problems.push({ field: 'notAfter', message: 'must be after notBefore' });
  }
  if (request.pathLen !== undefined) {
    if (!isCaProfile(profile))
      problems.push({ field: 'pathLen', message: 'only CA certificates carry a path length' });
    else if (!Number.isInteger(request.pathLen) || request.pathLen < 0 || request.pathLen > 127) {
      problems.push({ field: 'pathLen', message: 'must be an integer from 0 to 127' });
    }
  }
  if (request.serialHex !== undefined) {
    const bytes = serialBytes(request.serialHex);
    if (!bytes) problems.push({ field: 'serialHex', message: 'must be hexadecimal' });
    else if (bytes.length > 20 || (bytes.length === 20 && bytes[0] & 0x80)) {
      problems.push({ field: 'serialHex', message: 'must fit 20 octets (RFC 5280 4.1.2.2)' });
    } else if (bytes.every((b) => b === 0))
      problems.push({ field: 'serialHex', message: 'must be positive' });
  }
  if (profile === 'root-ca' && request.issuer)
    problems.push({ field: 'issuer', message: 'a root CA is self-signed: omit the issuer' });
  if (profile === 'intermediate-ca' && !request.issuer)
    problems.push({ field: 'issuer', message: 'an intermediate CA needs an issuer' });
  if (request.keyPair && request.publicKey)
    problems.push({ field: 'publicKey', message: 'give keyPair or publicKey, not both' });
  if (request.publicKey && !request.issuer)
    problems.push({
      field: 'publicKey',
      message: 'a self-signed certificate needs a keyPair (the subject signs itself)',
    });
  if (request.keyType !== undefined && !(KEY_TYPES as readonly string[]).includes(request.keyType)) {
    problems.push({ field: 'keyType', message: `must be one of ${KEY_TYPES.join(', ')}` });
  }
  return problems;
}

function subjectSpki(request: IssueRequest): { spkiDer: Buffer; keyPair?: KeyPair } {
  if (request.keyPair) return { spkiDer: request.keyPair.spkiDer, keyPair: request.keyPair };
  if (request.publicKey) {
    const pk = request.publicKey;
    if (Buffer.isBuffer(pk)) {
      createPublicKey({ key: pk, format: 'der', type: 'spki' }); // rejects an SPKI OpenSSL cannot use
      return { spkiDer: pk };
    }
    return { spkiDer: spkiOf(pk) };
  }
  const keyPair = generateKeyPair(request.keyType ?? 'ecdsa-p256');
  return { spkiDer: keyPair.spkiDer, keyPair };
}

/**
 * Builds and signs an X.509 v3 certificate. Throws RequestError (with every field problem) for an
 * invalid request and IssuerError for an unusable issuer. Pass an `Issuer` built once per CA: the
 * issuer's Name, AKI and algorithm are then not recomputed per certificate.
 */
export function issueCertificate(request: IssueRequest): IssueResult {
  const problems = validateIssueRequest(request);
  if (problems.length) throw new RequestError('issue certificate', problems);

  const { spkiDer, keyPair } = subjectSpki(request);
  const subjectDer = encodeName(request.subject);
  let signer: Signer;
  if (!request.issuer) {
    signer = selfSigner(subjectDer, spkiDer, keyPair!.privateKey);
  } else {
    signer = request.issuer instanceof Issuer ? request.issuer : Issuer.from(request.issuer);
  }
  const serial = request.serialHex !== undefined ? serialBytes(request.serialHex)! : randomSerial();
  const notBefore = truncateToSeconds(request.notBefore ?? new Date());
  const notAfter = truncateToSeconds(request.notAfter);

  const keyId = request.issuer ? keyIdentifier(spkiDer) : signer.keyId;
  const rsaSubject = spkiParts(spkiDer).algorithmOid === Oid.rsaEncryption;
  const extensions: DerNode[] = [
    ...profileExtensions(request.profile, rsaSubject, request.pathLen),
    subjectKeyIdExtension(keyId),
  ];
  extensions.push(signer.authorityKeyIdExtension);
  if (hasSans(request.sans)) extensions.push(subjectAltNameExtension(request.sans!, subjectDer.length === 2));
  for (const e of request.extraExtensions ?? []) extensions.push(extension(e.oid, e.critical, e.value));

  const serialDer = integerFromUnsigned(serial);
  const tbs = encodeDer(
    sequence(
      VERSION_3,
      serialDer,
      signer.signingAlgorithm.algIdDer,
      signer.nameDer,
      sequence(encodeTime(notBefore), encodeTime(notAfter)),
      subjectDer,
      spkiDer,
      explicit(3, sequence(...extensions)),
    ),
  );
  const signature = signer.sign(tbs);
  const der = encodeDer(sequence(tbs, signer.signingAlgorithm.algIdDer, bitString(signature)));
  const serialContent = serialDer.subarray(2);
  return {
    der,
    pem: encodePem('CERTIFICATE', der),
    serialHex: (serialContent[0] === 0 && serialContent.length > 1
      ? serialContent.subarray(1)
      : serialContent
    ).toString('hex'),
    notBefore,
    notAfter,
    subjectKeyId: keyId.toString('hex'),
    fingerprintSha256: hash('sha256', der, 'hex'),
    keyPair,
  };
}
