import { hash } from 'node:crypto';
import { readAlgorithmIdentifier, signatureAlgorithmName, verifyWith } from './algorithms.js';
import { publicKeyFrom, type PublicKeyInput } from './chain.js';
import {
  DerReader,
  contentOf,
  decodeBigInteger,
  decodeBitString,
  integerHex,
  rawOf,
  readDer,
} from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import { encodeTime, truncateToSeconds } from './der/time.js';
import {
  bitString,
  encodeDer,
  enumerated,
  explicit,
  integer,
  integerFromUnsigned,
  sequence,
  type DerNode,
} from './der/writer.js';
import { DerError, RequestError, type FieldProblem } from './errors.js';
import { extension, readExtensions } from './extensions.js';
import { Issuer, type IssuerInput } from './issuer.js';
import { parseName, type ParsedName } from './name.js';
import { Oid } from './oids.js';
import { encodePem, toDer } from './pem.js';
import { serialBytes } from './serial.js';

/** CRLReason names by code (RFC 5280 5.3.1; code 7 is unused). */
const REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReason = keyof typeof REASON_CODES;
export const REVOCATION_REASONS = Object.keys(REASON_CODES) as RevocationReason[];
const REASON_BY_CODE = new Map<number, RevocationReason>(REVOCATION_REASONS.map((r) => [REASON_CODES[r], r]));

export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
  /** Default `unspecified` (written as no reasonCode extension, as RFC 5280 recommends). */
  reason?: RevocationReason;
}

export interface CrlRequest {
  issuer: Issuer | IssuerInput;
  revoked: readonly RevokedEntry[];
  /** Defaults to now. */
  thisUpdate?: Date;
  nextUpdate: Date;
  /** Monotonically increasing per issuer (RFC 5280 5.2.3). */
  crlNumber: number | bigint;
}

export interface ParsedRevokedEntry {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface ParsedCrl {
  version: number;
  issuer: string;
  issuerName: ParsedName;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** As a number (exact up to 2^53); `crlNumberHex` is always exact. */
  crlNumber?: number;
  crlNumberHex?: string;
  authorityKeyId?: string;
  revoked: ParsedRevokedEntry[];
  tbsDer: Buffer;
  signatureAlgorithm: string;
  signatureAlgorithmDer: Buffer;
  signature: Buffer;
  fingerprintSha256: string;
  der: Buffer;
}

const V2 = integer(1);

function isDate(d: unknown): d is Date {
  return d instanceof Date && Number.isFinite(d.getTime());
}

export function validateCrlRequest(request: CrlRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const thisUpdate = request.thisUpdate ?? new Date();
  if (!isDate(thisUpdate)) problems.push({ field: 'thisUpdate', message: 'must be a valid Date' });
  if (!isDate(request.nextUpdate)) problems.push({ field: 'nextUpdate', message: 'must be a valid Date' });
  else if (isDate(thisUpdate) && request.nextUpdate <= thisUpdate)
    problems.push({ field: 'nextUpdate', message: 'must be after thisUpdate' });
  const n = request.crlNumber;
  const validNumber =
    (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) ||
    (typeof n === 'bigint' && n >= 0n && n < 1n << 159n);
  if (!validNumber)
    problems.push({ field: 'crlNumber', message: 'must be a non-negative integer of at most 20 octets' });
  const seen = new Set<string>();
  request.revoked.forEach((entry, i) => {
    const bytes = typeof entry.serialHex === 'string' ? serialBytes(entry.serialHex) : undefined;
    if (!bytes || bytes.length > 20)
      problems.push({
        field: `revoked[${i}].serialHex`,
        message: 'must be a hexadecimal serial of at most 20 octets',
      });
    else if (seen.has(bytes.toString('hex')))
      problems.push({ field: `revoked[${i}].serialHex`, message: 'listed twice' });
    else seen.add(bytes.toString('hex'));
    if (!isDate(entry.revokedAt))
      problems.push({ field: `revoked[${i}].revokedAt`, message: 'must be a valid Date' });
    if (entry.reason !== undefined && !(entry.reason in REASON_CODES)) {
      problems.push({
        field: `revoked[${i}].reason`,
        message: `must be one of ${REVOCATION_REASONS.join(', ')}`,
      });
    }
  });
  return problems;
}

/** A signed v2 CRL (PEM) with AuthorityKeyIdentifier and CRLNumber, entries in the order given. */
export function createCrl(request: CrlRequest): string {
  const problems = validateCrlRequest(request);
  if (problems.length) throw new RequestError('create CRL', problems);
  const issuer = request.issuer instanceof Issuer ? request.issuer : Issuer.from(request.issuer);
  if (issuer.certificate.hasKeyUsage && !issuer.certificate.keyUsage.includes('cRLSign')) {
    throw new RequestError('create CRL', [{ field: 'issuer', message: 'issuer keyUsage lacks cRLSign' }]);
  }
  const entries: DerNode[] = request.revoked.map((e) => {
    const items: DerNode[] = [
      integerFromUnsigned(serialBytes(e.serialHex)!),
      encodeTime(truncateToSeconds(e.revokedAt)),
    ];
    const reason = e.reason ?? 'unspecified';
    if (reason !== 'unspecified')
      items.push(sequence(extension(Oid.crlReason, false, enumerated(REASON_CODES[reason]))));
    return sequence(...items);
  });
  const tbsItems: DerNode[] = [
    V2,
    issuer.signingAlgorithm.algIdDer,
    issuer.nameDer,
    encodeTime(truncateToSeconds(request.thisUpdate ?? new Date())),
    encodeTime(truncateToSeconds(request.nextUpdate)),
  ];
  // RFC 5280 5.1.2.6: with no revoked certificates the list is absent, not empty.
  if (entries.length) tbsItems.push(sequence(...entries));
  tbsItems.push(
    explicit(
      0,
      sequence(issuer.authorityKeyIdExtension, extension(Oid.crlNumber, false, integer(request.crlNumber))),
    ),
  );
  const tbs = encodeDer(sequence(...tbsItems));
  const der = encodeDer(sequence(tbs, issuer.signingAlgorithm.algIdDer, bitString(issuer.sign(tbs))));
  return encodePem('X509 CRL', der);
}

function isTime(tag: number | undefined): boolean {
  return tag === Tag.UTC_TIME || tag === Tag.GENERALIZED_TIME;
}

/** Parses a v1 or v2 CRL from PEM (`X509 CRL`) or DER. */
export function parseCrl(pemOrDer: string | Uint8Array): ParsedCrl {
  const der = Buffer.from(toDer(pemOrDer, 'X509 CRL'));
  const list = DerReader.of(readDer(der, 'crl'), 'crl');
  const tbsEl = list.expect(Tag.SEQUENCE, 'tbsCertList');
  const outerAlg = readAlgorithmIdentifier(list, 'signatureAlgorithm');
  const signature = decodeBitString(
    list.expect(Tag.BIT_STRING, 'signatureValue'),
    'crl.signatureValue',
  ).bytes;
  list.finish();

  const tbs = DerReader.of(tbsEl, 'crl.tbsCertList');
  const version = tbs.peekTag() === Tag.INTEGER ? tbs.smallInteger('version') + 1 : 1;
  const innerAlg = readAlgorithmIdentifier(tbs, 'signature');
  if (!innerAlg.der.equals(outerAlg.der))
    throw new DerError('der: crl: tbsCertList.signature differs from signatureAlgorithm');
  const issuerName = parseName(tbs.expect(Tag.SEQUENCE, 'issuer'), 'crl.issuer');
  const thisUpdate = tbs.time('thisUpdate');
  const nextUpdate = isTime(tbs.peekTag()) ? tbs.time('nextUpdate') : undefined;
  const revoked: ParsedRevokedEntry[] = [];
  const revokedEl = tbs.optional(Tag.SEQUENCE, 'revokedCertificates');
  if (revokedEl) {
    const entries = DerReader.of(revokedEl, 'crl.revokedCertificates');
    while (!entries.done) {
      const entry = entries.sequence(`entry[${revoked.length}]`);
      const serialHex = integerHex(entry.integerBytes('userCertificate'));
      const revokedAt = entry.time('revocationDate');
      let reason: RevocationReason = 'unspecified';
      const extEl = entry.optional(Tag.SEQUENCE, 'crlEntryExtensions');
      if (extEl) {
        for (const ext of readExtensions(extEl, `crl.revokedCertificates[${revoked.length}].extensions`)) {
          if (ext.oid !== Oid.crlReason) continue;
          const el = readDer(ext.value, 'crl.reasonCode');
          const code = contentOf(el)[0];
          if (el.tag !== Tag.ENUMERATED || !REASON_BY_CODE.has(code))
            throw new DerError(`der: crl.reasonCode: invalid value`);
          reason = REASON_BY_CODE.get(code)!;
        }
      }
      entry.finish();
      revoked.push({ serialHex, revokedAt, reason });
    }
  }
  let crlNumberHex: string | undefined;
  let crlNumber: number | undefined;
  let authorityKeyId: string | undefined;
  const extWrapper = tbs.optional(contextTag(0, true), 'crlExtensions');
  if (extWrapper) {
    const wrapper = DerReader.of(extWrapper, 'crl.crlExtensions');
    for (const ext of readExtensions(wrapper.expect(Tag.SEQUENCE, 'list'), 'crl.crlExtensions')) {
      if (ext.oid === Oid.crlNumber) {
        const content = contentOf(readDer(ext.value, 'crl.crlNumber'));
        crlNumberHex = integerHex(content);
        crlNumber = Number(decodeBigInteger(content));
      } else if (ext.oid === Oid.authorityKeyIdentifier) {
        const aki = DerReader.of(
          readDer(ext.value, 'crl.authorityKeyIdentifier'),
          'crl.authorityKeyIdentifier',
        );
        const keyId = aki.optional(contextTag(0, false), 'keyIdentifier');
        if (keyId) authorityKeyId = contentOf(keyId).toString('hex');
      }
    }
  }
  tbs.finish();
  return {
    version,
    issuer: issuerName.text,
    issuerName,
    thisUpdate,
    nextUpdate,
    crlNumber,
    crlNumberHex,
    authorityKeyId,
    revoked,
    tbsDer: rawOf(tbsEl),
    signatureAlgorithm: signatureAlgorithmName(outerAlg.oid),
    signatureAlgorithmDer: outerAlg.der,
    signature,
    fingerprintSha256: hash('sha256', der, 'hex'),
    der,
  };
}

/** Whether the CRL's signature verifies under the issuer key (KeyObject or the issuer certificate). */
export function verifyCrlSignedBy(
  crl: string | Uint8Array | ParsedCrl,
  issuerPublicKey: PublicKeyInput,
): boolean {
  const parsed = typeof crl === 'object' && 'tbsDer' in crl ? crl : parseCrl(crl);
  const alg = readAlgorithmIdentifier(
    new DerReader(parsed.signatureAlgorithmDer, 0, parsed.signatureAlgorithmDer.length, 'crl'),
    'signatureAlgorithm',
  );
  return verifyWith(alg, publicKeyFrom(issuerPublicKey), parsed.tbsDer, parsed.signature) === true;
}
