import type { FieldError } from '#keyway/contracts';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readAlgorithmIdentifier, verifyWith } from './algorithms.js';
import { DerReader } from './der/reader.js';
import { namesMatch } from './name.js';
import { asParsedCertificate, parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import { splitPemBundle } from './pem.js';

export type PublicKeyInput = KeyObject | ParsedCertificate | string | Uint8Array;

/** A KeyObject from a KeyObject, a parsed certificate, or a certificate in PEM/DER. */
export function publicKeyFrom(input: PublicKeyInput): KeyObject {
  if (typeof input === 'object' && 'asymmetricKeyType' in input && 'export' in input) {
    const key = input as KeyObject;
    return key.type === 'private' ? createPublicKey(key) : key;
  }
  const cert = asParsedCertificate(input as ParsedCertificate | string | Uint8Array);
  return createPublicKey({ key: cert.spkiDer, format: 'der', type: 'spki' });
}

function algorithmOf(der: Buffer): ReturnType<typeof readAlgorithmIdentifier> {
  return readAlgorithmIdentifier(new DerReader(der, 0, der.length, 'signatureAlgorithm'), 'algorithm');
}

/**
 * Whether the certificate's signature verifies under the issuer key. False also for an unsupported
 * signature algorithm; use verifyChain to learn why.
 */
export function verifySignedBy(
  child: string | Uint8Array | ParsedCertificate,
  issuerPublicKey: PublicKeyInput,
): boolean {
  const cert = asParsedCertificate(child);
  return (
    verifyWith(
      algorithmOf(cert.signatureAlgorithmDer),
      publicKeyFrom(issuerPublicKey),
      cert.tbsDer,
      cert.signature,
    ) === true
  );
}

/**
 * Whether `issuer` issued `child`: the child names it as issuer and its signature verifies under the
 * issuer's key. The one "signed by" test keyway has (verifyChain below, and libs/secrets' chain order).
 */
export function issuedBy(
  child: string | Uint8Array | ParsedCertificate,
  issuer: string | Uint8Array | ParsedCertificate,
): boolean {
  try {
    const c = asParsedCertificate(child);
    const i = asParsedCertificate(issuer);
    return namesMatch(c.issuerName, i.subjectName) && verifySignedBy(c, i);
  } catch {
    return false;
  }
}

export type ChainProblemCode =
  | 'unparseable'
  | 'out-of-order'
  | 'not-signed-by-next'
  | 'unsupported-algorithm'
  | 'not-ca'
  | 'key-usage'
  | 'path-length'
  | 'expired'
  | 'not-yet-valid'
  | 'unhandled-critical-extension'
  | 'untrusted';

/** A FieldError whose field is `chain[0]` (the leaf), `chain[1..]` (the intermediates as given) or `roots[k]`. */
export interface ChainProblem extends FieldError {
  code: ChainProblemCode;
}

function label(c: ParsedCertificate): string {
  return c.subject || `(empty subject, sha256 ${c.fingerprintSha256.slice(0, 16)})`;
}

function flatten(pems: readonly string[], field: string, problems: ChainProblem[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const [i, pem] of pems.entries()) {
    let blocks: string[];
    try {
      blocks = splitPemBundle(pem);
    } catch (err) {
      problems.push({ code: 'unparseable', field: `${field}[${i}]`, message: (err as Error).message });
      continue;
    }
    if (blocks.length === 0)
      problems.push({ code: 'unparseable', field: `${field}[${i}]`, message: 'no CERTIFICATE block' });
    for (const block of blocks) {
      try {
        out.push(parseCertificate(block));
      } catch (err) {
        problems.push({
          code: 'unparseable',
          field: `${field}[${out.length}]`,
          message: (err as Error).message,
        });
      }
    }
  }
  return out;
}

function signatureProblem(
  child: ParsedCertificate,
  issuer: ParsedCertificate,
  field: string,
  issuerField: string,
): ChainProblem | undefined {
  const verdict = verifyWith(
    algorithmOf(child.signatureAlgorithmDer),
    publicKeyFrom(issuer),
    child.tbsDer,
    child.signature,
  );
  if (verdict === undefined) {
    return {
      code: 'unsupported-algorithm',
      field,
      message: `signature algorithm ${child.signatureAlgorithm} is not supported`,
    };
  }
  if (!verdict)
    return {
      code: 'not-signed-by-next',
      field,
      message: `signature does not verify with the key of ${issuerField} (${label(issuer)})`,
    };
  return undefined;
}

function caProblems(c: ParsedCertificate, field: string, casBelow: number): ChainProblem[] {
  const problems: ChainProblem[] = [];
  if (!c.isCa)
    problems.push({
      code: 'not-ca',
      field,
      message: `${label(c)} issues certificates but is not a CA (basicConstraints)`,
    });
  if (c.hasKeyUsage && !c.keyUsage.includes('keyCertSign')) {
    problems.push({
      code: 'key-usage',
      field,
      message: `${label(c)} issues certificates but keyUsage lacks keyCertSign`,
    });
  }
  if (c.pathLen !== undefined && casBelow > c.pathLen) {
    problems.push({
      code: 'path-length',
      field,
      message: `pathLen ${c.pathLen} allows ${c.pathLen} CA(s) below, found ${casBelow}`,
    });
  }
  return problems;
}

function timeProblems(c: ParsedCertificate, field: string, at: Date): ChainProblem[] {
  if (at < c.notBefore)
    return [{ code: 'not-yet-valid', field, message: `not valid before ${c.notBefore.toISOString()}` }];
  if (at > c.notAfter) return [{ code: 'expired', field, message: `expired at ${c.notAfter.toISOString()}` }];
  return [];
}

/**
 * Checks leaf -> intermediates (in the given order) -> one of the roots, returning every problem as data:
 * order, signatures, CA flags, key usage, path length, validity at `at`, and critical extensions this
 * library does not understand. With no roots, only the chain's internal consistency is checked (what a
 * Secret holding a leaf and its intermediates can be held to). Intermediates and roots may each be a bundle.
 */
export function verifyChain(
  leafPem: string,
  intermediatesPem: readonly string[] = [],
  rootsPem: readonly string[] = [],
  at: Date = new Date(),
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const leafList = flatten([leafPem], 'chain', problems);
  if (problems.length || leafList.length === 0) return problems;
  if (leafList.length > 1) {
    problems.push({
      code: 'unparseable',
      field: 'chain[0]',
      message: 'the leaf argument holds more than one certificate: pass the rest as intermediates',
    });
    return problems;
  }
  const inters = flatten(intermediatesPem, 'intermediates', problems);
  const roots = flatten(rootsPem, 'roots', problems);
  if (problems.length) return problems;
  const chain = [leafList[0], ...inters];

  chain.forEach((c, i) => {
    const field = `chain[${i}]`;
    problems.push(...timeProblems(c, field, at));
    if (c.unhandledCriticalExtensions.length) {
      problems.push({
        code: 'unhandled-critical-extension',
        field,
        message: `critical extension(s) not understood: ${c.unhandledCriticalExtensions.join(', ')}`,
      });
    }
    if (i > 0) problems.push(...caProblems(c, field, i - 1));
  });

  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i];
    const next = chain[i + 1];
    const field = `chain[${i}]`;
    if (!namesMatch(child.issuerName, next.subjectName)) {
      const j = chain.findIndex((c, k) => k !== i && namesMatch(child.issuerName, c.subjectName));
      problems.push(
        j >= 0
          ? {
              code: 'out-of-order',
              field,
              message: `issued by chain[${j}] (${label(chain[j])}), which must come right after it, not chain[${i + 1}]`,
            }
          : {
              code: 'not-signed-by-next',
              field,
              message: `issuer ${child.issuer} is not the subject of chain[${i + 1}] (${label(next)})`,
            },
      );
      continue;
    }
    const sig = signatureProblem(child, next, field, `chain[${i + 1}]`);
    if (sig) problems.push(sig);
  }

  const last = chain[chain.length - 1];
  const lastField = `chain[${chain.length - 1}]`;
  if (!last.selfIssued) {
    // The last certificate should be issued by a root; if its issuer is earlier in the chain, the order is wrong.
    const j = chain.findIndex((c, k) => k !== chain.length - 1 && namesMatch(last.issuerName, c.subjectName));
    if (j >= 0) {
      problems.push({
        code: 'out-of-order',
        field: lastField,
        message: `issued by chain[${j}] (${label(chain[j])}), which must come after it`,
      });
      return problems;
    }
  }
  if (roots.length === 0) return problems;
  // The chain may end with the root itself (some bundles include it).
  if (roots.some((r) => r.fingerprintSha256 === last.fingerprintSha256)) return problems;
  const candidates = roots
    .map((r, k) => ({ r, k }))
    .filter(({ r }) => namesMatch(last.issuerName, r.subjectName));
  if (candidates.length === 0) {
    problems.push({
      code: 'untrusted',
      field: lastField,
      message: `issuer ${last.issuer || '(empty)'} is not among the trusted roots`,
    });
    return problems;
  }
  const signing = candidates.find(({ r }) => signatureProblem(last, r, lastField, 'root') === undefined);
  if (!signing) {
    problems.push({
      code: 'untrusted',
      field: lastField,
      message: `not signed by any trusted root named ${last.issuer}`,
    });
    return problems;
  }
  const rootField = `roots[${signing.k}]`;
  problems.push(
    ...timeProblems(signing.r, rootField, at),
    ...caProblems(signing.r, rootField, chain.length - 1),
  );
  return problems;
}
