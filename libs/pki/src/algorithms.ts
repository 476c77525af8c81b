import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { DerReader, rawOf, type DerElement } from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import { DER_NULL, encodeDer, oid, sequence } from './der/writer.js';
import { KeyError } from './errors.js';
import { Oid } from './oids.js';

/** How an issuer key signs: the AlgorithmIdentifier it writes and the digest node:crypto uses. */
export interface SigningAlgorithm {
  name: string;
  oid: string;
  /** Encoded AlgorithmIdentifier, written into TBS and the outer structure. */
  algIdDer: Buffer;
  /** node:crypto digest name; null for EdDSA. */
  hash: string | null;
}

function algorithm(name: string, algOid: string, hash: string | null, withNull: boolean): SigningAlgorithm {
  const algIdDer = encodeDer(withNull ? sequence(oid(algOid), DER_NULL) : sequence(oid(algOid)));
  return { name, oid: algOid, algIdDer, hash };
}

// RFC 5758: ECDSA identifiers have absent parameters; RFC 4055: RSA PKCS#1 v1.5 ones carry NULL.
const ECDSA_SHA256 = algorithm('ecdsa-with-SHA256', Oid.ecdsaWithSha256, 'sha256', false);
const ECDSA_SHA384 = algorithm('ecdsa-with-SHA384', Oid.ecdsaWithSha384, 'sha384', false);
const ECDSA_SHA512 = algorithm('ecdsa-with-SHA512', Oid.ecdsaWithSha512, 'sha512', false);
const RSA_SHA256 = algorithm('sha256WithRSAEncryption', Oid.sha256WithRSAEncryption, 'sha256', true);
const ED25519 = algorithm('Ed25519', Oid.ed25519, null, false);

/** The signature algorithm keyway uses for an issuer key: the curve's hash for ECDSA, SHA-256 for RSA. */
export function signingAlgorithmFor(key: KeyObject): SigningAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return ECDSA_SHA256;
      if (curve === 'secp384r1') return ECDSA_SHA384;
      if (curve === 'secp521r1') return ECDSA_SHA512;
      throw new KeyError(`signing key: EC curve ${curve ?? '(unknown)'}: unsupported`);
    }
    case 'rsa':
      return RSA_SHA256;
    case 'ed25519':
      return ED25519;
    default:
      throw new KeyError(`signing key: ${key.asymmetricKeyType ?? 'unknown'} keys are not supported`);
  }
}

export function signWith(alg: SigningAlgorithm, key: KeyObject, data: Buffer): Buffer {
  return cryptoSign(alg.hash, data, key);
}

export interface AlgorithmIdentifier {
  oid: string;
  /** Encoded parameters, if present. */
  params?: DerElement;
  /** The whole encoded AlgorithmIdentifier. */
  der: Buffer;
}

export function readAlgorithmIdentifier(reader: DerReader, what: string): AlgorithmIdentifier {
  const el = reader.expect(Tag.SEQUENCE, what);
  const alg = DerReader.of(el, `${reader.path}.${what}`);
  const algOid = alg.oid('algorithm');
  const params = alg.done ? undefined : alg.next('parameters');
  alg.finish();
  return { oid: algOid, params, der: rawOf(el) };
}

const SIGNATURE_NAMES: Record<string, { name: string; hash: string | null }> = {
  [Oid.sha1WithRSAEncryption]: { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  [Oid.sha256WithRSAEncryption]: { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  [Oid.sha384WithRSAEncryption]: { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  [Oid.sha512WithRSAEncryption]: { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  [Oid.ecdsaWithSha1]: { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  [Oid.ecdsaWithSha256]: { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  [Oid.ecdsaWithSha384]: { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  [Oid.ecdsaWithSha512]: { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  [Oid.ed25519]: { name: 'Ed25519', hash: null },
  [Oid.ed448]: { name: 'Ed448', hash: null },
  [Oid.rsassaPss]: { name: 'RSASSA-PSS', hash: null },
};

/** Readable name of a signature algorithm (`ecdsa-with-SHA256`), or its dotted OID when unknown. */
export function signatureAlgorithmName(algOid: string): string {
  return SIGNATURE_NAMES[algOid]?.name ?? algOid;
}

const HASHES: Record<string, string> = {
  [Oid.sha1]: 'sha1',
  [Oid.sha256]: 'sha256',
  [Oid.sha384]: 'sha384',
  [Oid.sha512]: 'sha512',
};

interface VerifyParams {
  hash: string | null;
  padding?: number;
  saltLength?: number;
}

/** RSASSA-PSS-params (RFC 4055): hash [0], MGF [1] (assumed MGF1 with the same hash), saltLength [2]. */
function pssParams(params: DerElement | undefined): VerifyParams | undefined {
  if (!params || params.tag !== Tag.SEQUENCE) return undefined;
  const r = DerReader.of(params, 'RSASSA-PSS-params');
  let hash = 'sha1';
  let saltLength = 20;
  const hashEl = r.optional(contextTag(0, true));
  if (hashEl) {
    const h = HASHES[readAlgorithmIdentifier(DerReader.of(hashEl, 'hashAlgorithm'), 'algorithm').oid];
    if (!h) return undefined;
    hash = h;
  }
  r.optional(contextTag(1, true));
  const saltEl = r.optional(contextTag(2, true));
  if (saltEl) saltLength = DerReader.of(saltEl, 'saltLength').smallInteger('value');
  return { hash, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
}

/**
 * Verifies `signature` over `data` with the algorithm named in an AlgorithmIdentifier. Returns
 * undefined when the algorithm is unsupported (the caller reports that as its own problem).
 */
export function verifyWith(
  alg: AlgorithmIdentifier,
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean | undefined {
  let params: VerifyParams | undefined;
  if (alg.oid === Oid.rsassaPss) params = pssParams(alg.params);
  else if (SIGNATURE_NAMES[alg.oid]) params = { hash: SIGNATURE_NAMES[alg.oid].hash };
  if (!params) return undefined;
  try {
    if (params.padding !== undefined) {
      return cryptoVerify(
        params.hash,
        data,
        { key, padding: params.padding, saltLength: params.saltLength },
        signature,
      );
    }
    return cryptoVerify(params.hash, data, key, signature);
  } catch {
    // Wrong key type for the algorithm, or a malformed signature: not a valid signature.
    return false;
  }
}
