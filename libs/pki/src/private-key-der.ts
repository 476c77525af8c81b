import { ECDH, createECDH, createPrivateKey } from 'node:crypto';
import { DerReader, contentOf, decodeBigInteger, decodeBitString, readDer } from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import { encodeDer, integerFromUnsigned, sequence } from './der/writer.js';
import { DerError, KeyError } from './errors.js';
import { Oid } from './oids.js';
import { spkiOf, spkiParts, type SpkiParts } from './public-key.js';

/** How a DER private key is wrapped: PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`. */
export type PrivateKeyDerFormat = 'pkcs8' | 'pkcs1' | 'sec1';

const PEM_LABEL_FORMATS: ReadonlyMap<string, PrivateKeyDerFormat> = new Map([
  ['PRIVATE KEY', 'pkcs8'],
  ['RSA PRIVATE KEY', 'pkcs1'],
  ['EC PRIVATE KEY', 'sec1'],
]);

/** The format of an unencrypted private key PEM block by its label; undefined for any other label. */
export function privateKeyFormatOfPemLabel(label: string): PrivateKeyDerFormat | undefined {
  return PEM_LABEL_FORMATS.get(label);
}

const ECDH_CURVES: Record<string, string> = {
  [Oid.prime256v1]: 'prime256v1',
  [Oid.secp384r1]: 'secp384r1',
  [Oid.secp521r1]: 'secp521r1',
};

/**
 * The public half of a DER private key, as the parts of the SubjectPublicKeyInfo it belongs to.
 *
 * Why not `createPrivateKey`: on Node 20 (OpenSSL 3.0) its decoder costs ~0.5 ms per key, EC P-256
 * and RSA alike, the largest single cost of validating a credential version; on Node 24 ~0.06 ms,
 * about what this reader costs (measured). Two-prime RSA (PKCS#1 or PKCS#8) and EC on
 * P-256/P-384/P-521 (SEC1 or PKCS#8) are read here with the DER reader instead, and checked harder
 * than OpenSSL's X509_check_private_key, which only compares public halves: for EC the public point is
 * derived from the scalar (d·G) and a point written in the key must equal it (BoringSSL, so Envoy,
 * refuses one that does not); for RSA the modulus must be p·q. Any other key goes through node.
 *
 * Throws KeyError for a key that does not parse; messages name the structure, never key bytes.
 */
export function publicPartOfPrivateKeyDer(der: Buffer, format: PrivateKeyDerFormat): SpkiParts {
  try {
    return readPublicPart(der, format) ?? publicPartViaNode(der, format);
  } catch (e) {
    if (e instanceof KeyError) throw e;
    if (e instanceof DerError) throw new KeyError(`private key (${format}): ${e.message}`);
    throw new KeyError(`private key (${format}): does not parse`);
  }
}

/** Whether a DER private key is the partner of a DER SubjectPublicKeyInfo (e.g. a certificate's). */
export function privateKeyDerMatchesSpki(der: Buffer, format: PrivateKeyDerFormat, spkiDer: Buffer): boolean {
  return publicPartMatchesSpki(publicPartOfPrivateKeyDer(der, format), spkiDer);
}

/** Whether a private key's public half (from publicPartOfPrivateKeyDer) is this SubjectPublicKeyInfo. */
export function publicPartMatchesSpki(key: SpkiParts, spkiDer: Buffer): boolean {
  let cert: SpkiParts;
  try {
    cert = spkiParts(spkiDer);
  } catch {
    return false;
  }
  if (key.algorithmOid !== cert.algorithmOid || key.curveOid !== cert.curveOid) return false;
  if (key.publicKeyBytes.equals(cert.publicKeyBytes)) return true;
  const curve = key.curveOid && ECDH_CURVES[key.curveOid];
  return curve ? sameEcPoint(curve, cert.publicKeyBytes, key.publicKeyBytes) : false;
}

/** An EC point as written (maybe compressed) against an uncompressed one. */
function sameEcPoint(curve: string, written: Buffer, uncompressed: Buffer): boolean {
  if (written[0] === 0x04) return written.equals(uncompressed);
  try {
    const expanded = ECDH.convertKey(written, curve, undefined, undefined, 'uncompressed') as Buffer;
    return expanded.equals(uncompressed);
  } catch {
    return false;
  }
}

/** `undefined` for a key this reader does not cover. */
function readPublicPart(der: Buffer, format: PrivateKeyDerFormat): SpkiParts | undefined {
  if (format === 'pkcs1') return rsaPublicPart(der, 'RSAPrivateKey');
  if (format === 'sec1') return ecPublicPart(der, undefined, 'ECPrivateKey');
  const info = DerReader.of(readDer(der, 'PrivateKeyInfo'), 'PrivateKeyInfo');
  const version = info.smallInteger('version');
  if (version !== 0 && version !== 1)
    throw new KeyError(`private key (pkcs8): version ${version} is not 0 or 1`);
  const alg = info.sequence('privateKeyAlgorithm');
  const algorithm = alg.oid('algorithm');
  const inner = contentOf(info.expect(Tag.OCTET_STRING, 'privateKey'));
  info.optional(contextTag(0, true), 'attributes');
  info.optional(contextTag(1, false), 'publicKey');
  info.finish();
  if (algorithm === Oid.rsaEncryption) {
    if (alg.peekTag() === Tag.NULL) alg.next('parameters');
    alg.finish();
    return rsaPublicPart(inner, 'PrivateKeyInfo.privateKey');
  }
  if (algorithm === Oid.ecPublicKey && alg.peekTag() === Tag.OID) {
    const curveOid = alg.oid('namedCurve');
    alg.finish();
    return ecPublicPart(inner, curveOid, 'PrivateKeyInfo.privateKey');
  }
  return undefined;
}

function positiveInteger(r: DerReader, what: string): Buffer {
  const bytes = r.integerBytes(what);
  if (bytes[0] & 0x80) throw new KeyError(`private key: ${r.path}.${what} is negative`);
  return bytes;
}

/** RFC 8017 A.1.2 RSAPrivateKey, two primes (version 0). */
function rsaPublicPart(der: Buffer, path: string): SpkiParts | undefined {
  const rsa = DerReader.of(readDer(der, path), path);
  const version = rsa.smallInteger('version');
  if (version === 1) return undefined; // multi-prime: node reads those
  if (version !== 0) throw new KeyError(`private key: ${path}.version ${version} is not 0`);
  const n = positiveInteger(rsa, 'modulus');
  const e = positiveInteger(rsa, 'publicExponent');
  positiveInteger(rsa, 'privateExponent');
  const p = positiveInteger(rsa, 'prime1');
  const q = positiveInteger(rsa, 'prime2');
  for (const what of ['exponent1', 'exponent2', 'coefficient']) positiveInteger(rsa, what);
  rsa.finish();
  if (decodeBigInteger(p) * decodeBigInteger(q) !== decodeBigInteger(n))
    throw new KeyError(`private key: ${path}: the modulus is not the product of its primes`);
  const publicKey = encodeDer(sequence(integerFromUnsigned(n), integerFromUnsigned(e)));
  return { algorithmOid: Oid.rsaEncryption, publicKeyBytes: publicKey };
}

/** RFC 5915 ECPrivateKey; the curve from its parameters or from the PKCS#8 algorithm. */
function ecPublicPart(der: Buffer, outerCurveOid: string | undefined, path: string): SpkiParts | undefined {
  const ec = DerReader.of(readDer(der, path), path);
  const version = ec.smallInteger('version');
  if (version !== 1) throw new KeyError(`private key: ${path}.version ${version} is not 1`);
  const scalar = contentOf(ec.expect(Tag.OCTET_STRING, 'privateKey'));
  let curveOid = outerCurveOid;
  const params = ec.optional(contextTag(0, true), 'parameters');
  if (params) {
    const inner = DerReader.of(params, `${path}.parameters`);
    if (inner.peekTag() !== Tag.OID) return undefined; // explicit curve parameters: node decides
    const named = inner.oid('namedCurve');
    inner.finish();
    if (curveOid !== undefined && named !== curveOid)
      throw new KeyError(`private key: ${path}.parameters name another curve than the algorithm`);
    curveOid = named;
  }
  const written = ec.optional(contextTag(1, true), 'publicKey');
  ec.finish();
  if (curveOid === undefined) throw new KeyError(`private key: ${path} names no curve`);
  const curve = ECDH_CURVES[curveOid];
  if (!curve) return undefined;
  const ecdh = createECDH(curve);
  try {
    ecdh.setPrivateKey(scalar);
  } catch {
    throw new KeyError(`private key: ${path}.privateKey is not a valid scalar for ${curve}`);
  }
  const point = ecdh.getPublicKey();
  if (written) {
    const inner = DerReader.of(written, `${path}.publicKey`);
    const bits = decodeBitString(inner.expect(Tag.BIT_STRING, 'publicKey'), `${path}.publicKey`);
    inner.finish();
    if (!sameEcPoint(curve, bits.bytes, point))
      throw new KeyError(`private key: ${path}.publicKey is not the point of its private scalar`);
  }
  return { algorithmOid: Oid.ecPublicKey, curveOid, publicKeyBytes: point };
}

function publicPartViaNode(der: Buffer, format: PrivateKeyDerFormat): SpkiParts {
  return spkiParts(spkiOf(createPrivateKey({ key: der, format: 'der', type: format })));
}
