import type { FieldError } from '#keyway/contracts';
import { PrivateKeyPem } from '#keyway/key-material';
import {
  KeyError,
  issuedBy as signedBy,
  privateKeyFormatOfPemLabel,
  publicPartMatchesSpki,
  publicPartOfPrivateKeyDer,
  type SpkiParts,
} from '#keyway/pki';
import { keyTypeOf } from './certificate-summary.js';
import { secretError, type SecretErrorCode } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { readPemBlocks } from './pem.js';
import { SecretCertificate } from './secret-certificate.js';

/** Which Secret and field a check is about, and where its findings go. */
export interface CheckContext {
  namespace: string;
  name: string;
  errors: FieldError[];
  warnings: FieldError[];
}

export function fail(ctx: CheckContext, field: string, code: SecretErrorCode, message: string): void {
  ctx.errors.push(secretError(ctx.namespace, ctx.name, field, code, message));
}

export function warn(ctx: CheckContext, field: string, code: SecretErrorCode, message: string): void {
  ctx.warnings.push(secretError(ctx.namespace, ctx.name, field, code, message));
}

/** Key types Envoy (BoringSSL) serves for TLS: RSA of 2048 bits or more, ECDSA on P-256 or P-384. */
export function isServableKeyType(keyType: string): boolean {
  if (keyType === 'ecdsa-p256' || keyType === 'ecdsa-p384') return true;
  const rsa = /^rsa-(\d+)$/.exec(keyType);
  return rsa !== null && Number(rsa[1]) >= 2048;
}

export function label(cert: SecretCertificate): string {
  return (
    (cert.subject ?? '').split('\n').filter(Boolean).reverse().join(', ') || `sha256 ${cert.fingerprint256}`
  );
}

/** Parses a PEM bundle of certificates; every problem is reported against `field`. */
export function parseCertificates(
  ctx: CheckContext,
  field: string,
  text: string,
  what: string,
): SecretCertificate[] | undefined {
  const pem = readPemBlocks(text);
  if (!pem.ok) {
    fail(
      ctx,
      field,
      what === 'CA bundle' ? 'ca-invalid' : 'pem-invalid',
      `${what} is not valid PEM: ${pem.reason}`,
    );
    return undefined;
  }
  const certs: SecretCertificate[] = [];
  for (const [i, block] of pem.blocks.entries()) {
    const code = what === 'CA bundle' ? 'ca-invalid' : 'pem-invalid';
    if (block.label !== 'CERTIFICATE') {
      fail(ctx, field, code, `${what}: PEM block ${i} is ${block.label}, expected CERTIFICATE`);
      return undefined;
    }
    try {
      certs.push(new SecretCertificate(block.der));
    } catch (err) {
      fail(
        ctx,
        field,
        code,
        `${what}: certificate[${i}] does not parse as X.509 (${(err as Error).message})`,
      );
      return undefined;
    }
  }
  return certs;
}

/** libs/pki's one "signed by" test, on the certificates' DER. */
const issuedBy = (child: SecretCertificate, issuer: SecretCertificate): boolean =>
  signedBy(child.raw, issuer.raw);

/**
 * The served chain: parses, fits the size limit, is leaf first with each certificate signed by the
 * next, and the leaf's key type and validity window are what Envoy will accept.
 */
export function checkChain(
  ctx: CheckContext,
  field: string,
  text: string,
  options: ResolvedOptions,
): SecretCertificate[] | undefined {
  const chain = parseCertificates(ctx, field, text, 'certificate chain');
  if (!chain) return undefined;
  const before = ctx.errors.length;
  if (chain.length > options.maxChainCertificates) {
    fail(
      ctx,
      field,
      'too-large',
      `certificate chain has ${chain.length} certificates, over the limit of ${options.maxChainCertificates}`,
    );
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (issuedBy(chain[i], chain[i + 1])) continue;
    const j = chain.findIndex((c, k) => k !== i && k !== i + 1 && issuedBy(chain[i], c));
    if (j >= 0) {
      fail(
        ctx,
        field,
        'chain-order',
        `certificate chain is out of order: certificate[${i}] (${label(chain[i])}) is signed by certificate[${j}], not by the next one; put the leaf first, each certificate followed by its issuer`,
      );
    } else {
      fail(
        ctx,
        field,
        'chain-signature',
        `certificate[${i}] (${label(chain[i])}) is not signed by certificate[${i + 1}] (${label(chain[i + 1])})`,
      );
    }
    break;
  }
  const leaf = chain[0];
  const keyType = keyTypeOf(leaf);
  if (!isServableKeyType(keyType)) {
    fail(
      ctx,
      field,
      'key-type',
      `key type ${keyType} is not served by Envoy (RSA of 2048 bits or more, ECDSA P-256 or P-384)`,
    );
  }
  checkValidity(ctx, field, leaf, options);
  return ctx.errors.length === before ? chain : undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function checkValidity(
  ctx: CheckContext,
  field: string,
  leaf: SecretCertificate,
  options: ResolvedOptions,
): void {
  const { notBefore, notAfter } = leaf;
  const now = options.now;
  if (now < notBefore) {
    fail(
      ctx,
      field,
      'not-yet-valid',
      `certificate is not yet valid: notBefore ${notBefore.toISOString()} is after ${now.toISOString()}`,
    );
  } else if (now > notAfter) {
    fail(
      ctx,
      field,
      'expired',
      `certificate has expired: notAfter ${notAfter.toISOString()} is before ${now.toISOString()}`,
    );
  } else if (notAfter.getTime() - now.getTime() < options.expiryWarningDays * DAY_MS) {
    const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    warn(
      ctx,
      field,
      'expiring-soon',
      `certificate expires in ${days} days (notAfter ${notAfter.toISOString()}), within the warning window of ${options.expiryWarningDays} days`,
    );
  }
}

/**
 * The private key: one unencrypted PEM key that is the partner of the leaf's public key. Messages
 * never include the key, nor OpenSSL text that could echo it.
 */
export function checkPrivateKey(
  ctx: CheckContext,
  field: string,
  text: string,
  leaf: SecretCertificate | undefined,
): PrivateKeyPem | undefined {
  const pem = readPemBlocks(text);
  if (!pem.ok) {
    fail(ctx, field, 'key-invalid', `private key is not valid PEM: ${pem.reason}`);
    return undefined;
  }
  const keys = pem.blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (pem.blocks.length !== 1 || keys.length !== 1) {
    fail(
      ctx,
      field,
      'key-invalid',
      `expected exactly one PEM private key, found blocks: ${pem.blocks.map((b) => b.label).join(', ')}`,
    );
    return undefined;
  }
  const block = keys[0];
  const format = privateKeyFormatOfPemLabel(block.label);
  if (!format) {
    fail(
      ctx,
      field,
      'key-invalid',
      `${block.label} is not supported: Envoy needs an unencrypted PKCS#8, PKCS#1 or SEC1 key`,
    );
    return undefined;
  }
  let publicPart: SpkiParts;
  try {
    // Read without OpenSSL's slow key decoder, and checked against itself (libs/pki says how).
    publicPart = publicPartOfPrivateKeyDer(block.der, format);
  } catch (e) {
    // KeyError messages name the structure that is wrong, never key bytes.
    const why =
      e instanceof KeyError ? ` (${e.message.replace(/^private key( \([a-z0-9]+\))?: (der: )?/, '')})` : '';
    fail(ctx, field, 'key-invalid', `private key (${block.label}) does not parse${why}`);
    return undefined;
  }
  const matches = leaf ? publicPartMatchesSpki(publicPart, leaf.spkiDer) : true;
  if (leaf && !matches) {
    fail(
      ctx,
      field,
      'key-mismatch',
      `private key does not match the public key of the leaf certificate (${label(leaf)})`,
    );
    return undefined;
  }
  return new PrivateKeyPem(text);
}
