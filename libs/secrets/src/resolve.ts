import type { FieldError } from '#keyway/contracts';
import { summarizeCertificate, type CertificateSummary } from './certificate-summary.js';
import { secretError } from './errors.js';
import { resolveOptions, type ValidationOptions } from './options.js';
import {
  CACERT_SUFFIX,
  credentialNameOfCaCert,
  extractKeyAndCert,
  extractRoot,
  isCaCertName,
  type Extracted,
} from './secret-keys.js';
import { byteOrder, decodeSecret, DecodedSecret, type SecretInput } from './secret.js';
import { validateSecret, type SecretValidation } from './validate.js';
import { contentHash, type CredentialKind, type CredentialMaterialPem } from './version.js';

/** One SDS-level credential: `kubernetes://<sdsName>` in `namespace`. */
export interface ResolvedCredential {
  kind: CredentialKind;
  namespace: string;
  /** `httpbin-credential` (tls-certificate) or `httpbin-credential-cacert` (validation-context). */
  sdsName: string;
  /** The Secret the material came from. */
  secretName: string;
  material: CredentialMaterialPem;
  contentHash: string;
  /** The served leaf (tls-certificate only). */
  leaf?: CertificateSummary;
  /** The rest of the served chain (tls-certificate) or the trusted CAs (validation-context). */
  cas: CertificateSummary[];
}

export interface SecretReport {
  namespace: string;
  name: string;
  accepted: boolean;
  errors: FieldError[];
  warnings: FieldError[];
  /** SDS names this Secret provides when accepted. */
  provides: string[];
}

export interface Resolution {
  /** Sorted by namespace, then SDS name. */
  credentials: ResolvedCredential[];
  /** One per input Secret (the last one for a repeated namespace/name), sorted. */
  secrets: SecretReport[];
  /** Every error of every Secret, in the order of `secrets`. */
  errors: FieldError[];
  warnings: FieldError[];
  /** Kept for lookups that need Istio's messages. */
  readonly validations: ReadonlyMap<
    string,
    SecretValidation | { decodeErrors: FieldError[]; namespace: string; name: string }
  >;
}

function refKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

// A validation never changes once made, so neither does what it resolves to: services re-assemble a
// namespace on every change and should not re-summarize and re-hash the Secrets that did not change.
const resolvedCache = new WeakMap<SecretValidation, Map<string, ResolvedCredential>>();

function cached(v: SecretValidation, sdsName: string, make: () => ResolvedCredential): ResolvedCredential {
  let byName = resolvedCache.get(v);
  if (!byName) resolvedCache.set(v, (byName = new Map()));
  let c = byName.get(sdsName);
  if (!c) byName.set(sdsName, (c = make()));
  return c;
}

function tlsCredential(v: SecretValidation): ResolvedCredential {
  const kp = v.keyPair!;
  const material: CredentialMaterialPem = {
    certificateChain: kp.certificateChain,
    privateKey: kp.privateKey,
  };
  return {
    kind: 'tls-certificate',
    namespace: v.secret.namespace,
    sdsName: v.secret.name,
    secretName: v.secret.name,
    material,
    contentHash: contentHash('tls-certificate', material),
    leaf: summarizeCertificate(kp.chain[0]),
    cas: kp.chain.slice(1).map(summarizeCertificate),
  };
}

function validationContext(v: SecretValidation, sdsName: string): ResolvedCredential {
  const root = v.root!;
  const material: CredentialMaterialPem = { trustedCa: root.trustedCa, crl: root.crl };
  return {
    kind: 'validation-context',
    namespace: v.secret.namespace,
    sdsName,
    secretName: v.secret.name,
    material,
    contentHash: contentHash('validation-context', material),
    cas: root.cas.map(summarizeCertificate),
  };
}

/**
 * From Secrets to SDS credentials. Each Secret is validated on its own (any error rejects it); then,
 * per namespace, Secret `<name>` serves `kubernetes://<name>` (chain and key) and the validation
 * context `kubernetes://<name>-cacert` comes from Secret `<name>-cacert` when that exists, else from
 * the CA inside `<name>`. A `-cacert` Secret that exists but is rejected still wins: its credential is
 * then absent rather than silently replaced by another CA.
 */
export function resolveCredentials(
  inputs: ReadonlyArray<SecretInput | DecodedSecret>,
  options: ValidationOptions = {},
): Resolution {
  const opts = resolveOptions(options);
  const validations = new Map<
    string,
    SecretValidation | { decodeErrors: FieldError[]; namespace: string; name: string }
  >();
  for (const input of inputs) {
    if (input instanceof DecodedSecret) {
      validations.set(refKey(input.namespace, input.name), validateSecret(input, opts));
      continue;
    }
    const decoded = decodeSecret(input);
    if (decoded.ok) {
      validations.set(
        refKey(decoded.secret.namespace, decoded.secret.name),
        validateSecret(decoded.secret, opts),
      );
    } else {
      const namespace = input.metadata?.namespace || 'default';
      const name = input.metadata?.name ?? '';
      validations.set(refKey(namespace, name), { decodeErrors: decoded.errors, namespace, name });
    }
  }
  return assemble(validations);
}

/**
 * The same resolution from Secrets already validated (a service keeps each Secret's validation and
 * re-assembles its namespace on every change without re-parsing unchanged Secrets).
 */
export function assembleCredentials(validations: Iterable<SecretValidation>): Resolution {
  const byRef = new Map<string, Validated>();
  for (const v of validations) byRef.set(refKey(v.secret.namespace, v.secret.name), v);
  return assemble(byRef);
}

type Validated = SecretValidation | { decodeErrors: FieldError[]; namespace: string; name: string };

function assemble(validations: Map<string, Validated>): Resolution {
  const credentials: ResolvedCredential[] = [];
  const provides = new Map<string, string[]>();
  const add = (c: ResolvedCredential): void => {
    credentials.push(c);
    const k = refKey(c.namespace, c.secretName);
    provides.set(k, [...(provides.get(k) ?? []), c.sdsName]);
  };
  for (const v of validations.values()) {
    if (!('secret' in v) || v.errors.length) continue;
    const { namespace, name } = v.secret;
    if (isCaCertName(name)) {
      add(cached(v, name, () => validationContext(v, name)));
      continue;
    }
    if (v.keyPair) add(cached(v, name, () => tlsCredential(v)));
    if (v.root && !validations.has(refKey(namespace, name + CACERT_SUFFIX)))
      add(cached(v, name + CACERT_SUFFIX, () => validationContext(v, name + CACERT_SUFFIX)));
  }
  credentials.sort((a, b) => byteOrder(a.namespace, b.namespace) || byteOrder(a.sdsName, b.sdsName));

  const secrets: SecretReport[] = [...validations.entries()]
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([k, v]) => {
      const errors = 'secret' in v ? v.errors : v.decodeErrors;
      const warnings = 'secret' in v ? v.warnings : [];
      const namespace = 'secret' in v ? v.secret.namespace : v.namespace;
      const name = 'secret' in v ? v.secret.name : v.name;
      return {
        namespace,
        name,
        accepted: errors.length === 0,
        errors,
        warnings,
        provides: (provides.get(k) ?? []).sort(byteOrder),
      };
    });
  return {
    credentials,
    secrets,
    errors: secrets.flatMap((s) => s.errors),
    warnings: secrets.flatMap((s) => s.warnings),
    validations,
  };
}

/**
 * Which Secrets decide the credentials that a change to Secret `name` can change, and which SDS names
 * those are. By the rules of `assemble`: Secret `<n>` serves `<n>` and, unless Secret `<n>-cacert`
 * exists, `<n>-cacert` from its CA; Secret `<n>-cacert` serves `<n>-cacert`. So a change to `web`
 * can change `web` and `web-cacert`, decided by Secrets `web` and `web-cacert`; a change to
 * `web-cacert` can change only `web-cacert`, decided by `web-cacert` and `web`. Resolving these
 * Secrets alone gives, for these names, what resolving the whole namespace gives: a namespace of
 * 10,000 Secrets is not re-assembled on every apply.
 */
export function credentialFamily(name: string): { secrets: string[]; sdsNames: string[] } {
  if (isCaCertName(name)) return { secrets: [name, credentialNameOfCaCert(name)], sdsNames: [name] };
  return { secrets: [name, name + CACERT_SUFFIX], sdsNames: [name, name + CACERT_SUFFIX] };
}

export type Lookup = { ok: true; credential: ResolvedCredential } | { ok: false; errors: FieldError[] };

function notFound(namespace: string, name: string): Lookup {
  return {
    ok: false,
    errors: [secretError(namespace, name, '', 'not-found', `secret ${namespace}/${name} not found`)],
  };
}

/**
 * What a proxy asking for `kubernetes://<sdsName>` in `namespace` gets: the credential, or the error
 * Istio would give (`secret <ns>/<name> not found`, its key-layout messages, or the Secret's own
 * errors). Only Secrets of the proxy's own namespace are ever considered. The kind follows the name
 * (`-cacert`: validation context) unless given.
 */
export function findCredential(
  resolution: Resolution,
  namespace: string,
  sdsName: string,
  kind: CredentialKind = isCaCertName(sdsName) ? 'validation-context' : 'tls-certificate',
): Lookup {
  const hit = resolution.credentials.find(
    (c) => c.namespace === namespace && c.sdsName === sdsName && c.kind === kind,
  );
  if (hit) return { ok: true, credential: hit };
  const lookup = (name: string) => resolution.validations.get(refKey(namespace, name));
  const errorsOf = (v: NonNullable<ReturnType<typeof lookup>>): FieldError[] =>
    'secret' in v ? v.errors : v.decodeErrors;
  const explain = (name: string, extracted: Extracted<unknown>, v: SecretValidation): Lookup => {
    if (!extracted.ok)
      return { ok: false, errors: [secretError(namespace, name, 'data', 'missing-keys', extracted.message)] };
    return {
      ok: false,
      errors: v.errors.length
        ? v.errors
        : [secretError(namespace, name, '', 'not-found', 'provides no such credential')],
    };
  };
  if (kind === 'tls-certificate') {
    const own = lookup(sdsName);
    if (!own) return notFound(namespace, sdsName);
    if (!('secret' in own)) return { ok: false, errors: own.decodeErrors };
    if (own.errors.length && !isCaCertName(sdsName)) return { ok: false, errors: own.errors };
    return explain(sdsName, extractKeyAndCert(own.secret), own);
  }
  const own = isCaCertName(sdsName) ? lookup(sdsName) : undefined;
  if (own) return { ok: false, errors: errorsOf(own) };
  const baseName = isCaCertName(sdsName) ? credentialNameOfCaCert(sdsName) : sdsName;
  const base = lookup(baseName);
  if (!base) return notFound(namespace, baseName);
  if (!('secret' in base)) return { ok: false, errors: base.decodeErrors };
  return explain(baseName, extractRoot(base.secret), base);
}
