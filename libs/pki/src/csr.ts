import { createPublicKey, type KeyObject } from 'node:crypto';
import type { PrivateKeyPem } from '#keyway/key-material';
import {
  readAlgorithmIdentifier,
  signWith,
  signatureAlgorithmName,
  signingAlgorithmFor,
  verifyWith,
} from './algorithms.js';
import { DerReader, decodeBitString, rawOf, readDer } from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import { bitString, constructed, encodeDer, integer, oid, sequence, set } from './der/writer.js';
import { DerError, RequestError, type FieldProblem } from './errors.js';
import { decodeExtensions, readExtensions, subjectAltNameExtension, type Extension } from './extensions.js';
import { emptySans, hasSans, sansProblems, type SansInput, type SubjectAltNames } from './general-names.js';
import { loadPrivateKey } from './keys.js';
import {
  encodeName,
  nameAttributes,
  nameProblems,
  parseName,
  type NameInput,
  type ParsedName,
} from './name.js';
import { Oid } from './oids.js';
import { encodePem, toDer } from './pem.js';
import { describeSpki, spkiOf, type PublicKeyDescription } from './public-key.js';

export interface CsrRequest {
  subject?: NameInput;
  sans?: SansInput;
  /** The key that signs the request; `spkiDer` saves re-exporting the public key. */
  keyPair: { privateKey: KeyObject | PrivateKeyPem; spkiDer?: Buffer };
}

export interface ParsedCsr {
  subject: string;
  subjectName: ParsedName;
  sans: SubjectAltNames;
  publicKey: PublicKeyDescription;
  /** DER SubjectPublicKeyInfo: pass it as `publicKey` to issueCertificate. */
  spkiDer: Buffer;
  /** Whether the request is signed by the key it carries (proof of possession). */
  signatureValid: boolean;
  signatureAlgorithm: string;
  /** Extensions requested through the PKCS#9 extensionRequest attribute. */
  requestedExtensions: Extension[];
  der: Buffer;
}

export function validateCsrRequest(request: CsrRequest): FieldProblem[] {
  const problems = [...nameProblems(request.subject, 'subject'), ...sansProblems(request.sans, 'sans')];
  if (nameAttributes(request.subject).length === 0 && !hasSans(request.sans)) {
    problems.push({ field: 'subject', message: 'needs a subject or at least one SAN' });
  }
  if (!request.keyPair?.privateKey) problems.push({ field: 'keyPair.privateKey', message: 'is required' });
  return problems;
}

/** A PKCS#10 certification request (PEM), SANs carried in an extensionRequest attribute. */
export function createCsr(request: CsrRequest): string {
  const problems = validateCsrRequest(request);
  if (problems.length) throw new RequestError('create CSR', problems);
  const privateKey = loadPrivateKey(request.keyPair.privateKey);
  const spkiDer = request.keyPair.spkiDer ?? spkiOf(privateKey);
  const subjectDer = encodeName(request.subject);
  const attributes = hasSans(request.sans)
    ? [
        sequence(
          oid(Oid.extensionRequest),
          set(sequence(subjectAltNameExtension(request.sans!, subjectDer.length === 2))),
        ),
      ]
    : [];
  const info = encodeDer(
    sequence(integer(0), subjectDer, spkiDer, constructed(contextTag(0, true), attributes)),
  );
  const alg = signingAlgorithmFor(privateKey);
  const der = encodeDer(sequence(info, alg.algIdDer, bitString(signWith(alg, privateKey, info))));
  return encodePem('CERTIFICATE REQUEST', der);
}

/** Parses a PKCS#10 request (PEM `CERTIFICATE REQUEST` or DER) and checks its self-signature. */
export function parseCsr(pemOrDer: string | Uint8Array): ParsedCsr {
  const der = Buffer.from(toDer(pemOrDer, 'CERTIFICATE REQUEST'));
  const csr = DerReader.of(readDer(der, 'csr'), 'csr');
  const infoEl = csr.expect(Tag.SEQUENCE, 'certificationRequestInfo');
  const alg = readAlgorithmIdentifier(csr, 'signatureAlgorithm');
  const signature = decodeBitString(csr.expect(Tag.BIT_STRING, 'signature'), 'csr.signature').bytes;
  csr.finish();

  const info = DerReader.of(infoEl, 'csr.certificationRequestInfo');
  const version = info.smallInteger('version');
  if (version !== 0)
    throw new DerError(`der: csr.certificationRequestInfo.version: unknown version ${version}`);
  const subjectName = parseName(info.expect(Tag.SEQUENCE, 'subject'), 'csr.subject');
  const spkiDer = rawOf(info.expect(Tag.SEQUENCE, 'subjectPKInfo'));
  const attrs = DerReader.of(info.expect(contextTag(0, true), 'attributes'), 'csr.attributes');
  info.finish();

  let requestedExtensions: Extension[] = [];
  while (!attrs.done) {
    const attr = attrs.sequence('attribute');
    const type = attr.oid('type');
    const values = DerReader.of(attr.expect(Tag.SET, 'values'), 'csr.attributes.values');
    if (type === Oid.extensionRequest)
      requestedExtensions = readExtensions(values.expect(Tag.SEQUENCE, 'extensions'), 'csr.extensionRequest');
  }
  const decoded = requestedExtensions.length
    ? decodeExtensions(requestedExtensions, 'csr.extensionRequest')
    : undefined;

  let signatureValid: boolean;
  try {
    const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
    signatureValid = verifyWith(alg, key, rawOf(infoEl), signature) === true;
  } catch {
    signatureValid = false;
  }
  return {
    subject: subjectName.text,
    subjectName,
    sans: decoded?.sans ?? emptySans(),
    publicKey: describeSpki(spkiDer),
    spkiDer,
    signatureValid,
    signatureAlgorithm: signatureAlgorithmName(alg.oid),
    requestedExtensions,
    der,
  };
}
