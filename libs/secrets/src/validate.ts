import type { FieldError } from '#keyway/contracts';
import type { PrivateKeyPem } from '#keyway/key-material';
import { checkCaBundle, checkCrl } from './ca-checks.js';
import { checkChain, checkPrivateKey, fail, type CheckContext } from './certificate-checks.js';
import { resolveOptions, type ResolvedOptions, type ValidationOptions } from './options.js';
import { normalizePem } from './pem.js';
import { checkSizes, checkWalkthroughRules } from './rules.js';
import { GenericKeys, TlsKeys, extractKeyAndCert, extractRoot, isCaCertName } from './secret-keys.js';
import type { DecodedSecret } from './secret.js';
import type { SecretCertificate } from './secret-certificate.js';

/** The served half of a Secret: a chain (leaf first) and its key, PEMs normalized. */
export interface CheckedKeyPair {
  certField: string;
  keyField: string;
  certificateChain: string;
  privateKey: PrivateKeyPem;
  chain: SecretCertificate[];
}

/** The trust half of a Secret: a CA bundle and optional CRL, PEMs normalized. */
export interface CheckedRoot {
  caField: string;
  crlField?: string;
  trustedCa: string;
  crl?: string;
  cas: SecretCertificate[];
}

export interface SecretValidation {
  secret: DecodedSecret;
  /** Any error rejects the whole Secret (the previous good version keeps serving). */
  errors: FieldError[];
  warnings: FieldError[];
  keyPair?: CheckedKeyPair;
  root?: CheckedRoot;
}

/**
 * Every rule and up-front check for one Secret: Istio's key layout and messages, the walkthrough's
 * naming rules, and what Envoy would otherwise only refuse at handshake time.
 */
export function validateSecret(
  secret: DecodedSecret,
  options: ValidationOptions | ResolvedOptions = {},
): SecretValidation {
  const opts = resolveOptions(options);
  const ctx: CheckContext = { namespace: secret.namespace, name: secret.name, errors: [], warnings: [] };
  checkWalkthroughRules(ctx, secret);
  checkSizes(ctx, secret, opts);
  if (ctx.errors.length) return { secret, errors: ctx.errors, warnings: ctx.warnings };

  const caOnly = isCaCertName(secret.name);
  let keyPair: CheckedKeyPair | undefined;
  if (caOnly) {
    for (const keyField of [GenericKeys.key, TlsKeys.key]) {
      if (secret.has(keyField)) {
        fail(
          ctx,
          `data.${keyField}`,
          'cacert-holds-key',
          `a Secret named <name>-cacert only provides the CA of credential <name> and never serves a private key`,
        );
      }
    }
  } else {
    const found = extractKeyAndCert(secret);
    if (!found.ok) {
      fail(
        ctx,
        'data',
        found.message.startsWith('found keys') ? 'empty-keys' : 'missing-keys',
        found.message,
      );
    } else {
      const { certField, keyField } = found.fields;
      const certText = secret.text(certField)!;
      const chain = checkChain(ctx, `data.${certField}`, certText, opts);
      const privateKey = checkPrivateKey(ctx, `data.${keyField}`, secret.text(keyField)!, chain?.[0]);
      if (chain && privateKey) {
        keyPair = { certField, keyField, certificateChain: normalizePem(certText), privateKey, chain };
      }
    }
  }

  let root: CheckedRoot | undefined;
  const rootFound = extractRoot(secret);
  if (rootFound.ok) {
    const { caField, crlField } = rootFound.fields;
    const caText = secret.text(caField)!;
    const cas = checkCaBundle(ctx, `data.${caField}`, caText, opts);
    if (cas) {
      const crlText = crlField ? secret.text(crlField) : undefined;
      const crlOk =
        crlField && crlText ? checkCrl(ctx, `data.${crlField}`, crlText, cas, `data.${caField}`, opts) : true;
      if (crlOk) {
        root = {
          caField,
          crlField,
          trustedCa: normalizePem(caText),
          crl: crlText ? normalizePem(crlText) : undefined,
          cas,
        };
      }
    }
  } else if (caOnly) {
    fail(
      ctx,
      'data',
      rootFound.message.startsWith('found key') ? 'empty-keys' : 'missing-keys',
      rootFound.message,
    );
  } else {
    // A CRL with nothing to check it against is a mistake, not something to ignore silently.
    for (const crlField of [GenericKeys.crl, TlsKeys.crl]) {
      if (secret.hasValue(crlField)) {
        fail(
          ctx,
          `data.${crlField}`,
          'crl-without-ca',
          `a CRL needs a CA bundle (${GenericKeys.caCert} or ${TlsKeys.caCert}) in the same Secret`,
        );
      }
    }
  }
  if (ctx.errors.length) return { secret, errors: ctx.errors, warnings: ctx.warnings };
  return { secret, errors: [], warnings: ctx.warnings, keyPair, root };
}
