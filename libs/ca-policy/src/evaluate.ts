import type { FieldError } from '#keyway/contracts';
import { domainMatches, parseDnsName } from './dns-name.js';
import { formatDuration, parseDuration } from './duration.js';
import { ipInRange, parseIpAddress } from './ip-address.js';
import {
  DEFAULT_KEY_TYPE,
  DEFAULT_USAGE,
  isCertificateUsage,
  isKeyType,
  usagesOf,
  type CertificateUsage,
  type KeyType,
} from './key-type.js';
import type { CaPolicy } from './policy.js';
import { parseUriName } from './uri-name.js';

/** What a caller asks for, whether by issue (key made by the CA) or by CSR (names read from it). */
export interface PolicyRequest {
  issuer: string;
  commonName?: string;
  sans: { dns?: string[]; ip?: string[]; uri?: string[] };
  keyType?: KeyType;
  usage?: CertificateUsage;
  /** Go-style duration; the policy's default when absent. */
  ttl?: string;
  /** Where the result goes when issued into a credential or kept by a Certificate resource. */
  namespace?: string;
}

export interface EvaluationContext {
  now: Date;
  /** The issuing CA's notAfter: no certificate outlives its issuer. */
  issuerNotAfter: Date;
  /** notBefore is set this far before now, for clocks that lag (Vault uses 30s). Default 0. */
  backdateSeconds?: number;
}

/** The names as they go into the certificate: lowercase DNS, canonical IPs, deduplicated. */
export interface NormalizedNames {
  commonName?: string;
  dns: string[];
  ip: string[];
  uri: string[];
}

export interface Validity {
  /** From now to notAfter. */
  ttlSeconds: number;
  notBefore: Date;
  notAfter: Date;
  /** True when the requested or default TTL was cut to the issuer's notAfter. */
  truncatedToIssuer: boolean;
}

export interface PolicyDecision {
  allowed: boolean;
  /** `team/name` of the deciding policy; the one that allowed, or null when refused by all. */
  policy: string | null;
  /** Why: each names the field. When allowed, the grounds; when refused, every refusal. */
  reasons: string[];
  /** Refusals as structured field errors (empty when allowed). */
  violations: FieldError[];
  names: NormalizedNames;
  keyType: KeyType;
  usage: CertificateUsage;
  /** Present when allowed. */
  validity?: Validity;
}

export const MAX_SANS = 100;

function list(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}

function outside(value: string, kind: string, allowed: readonly string[] | undefined): string {
  return allowed && allowed.length > 0
    ? `${JSON.stringify(value)} is not within allowed ${kind} ${list(allowed)}`
    : `${JSON.stringify(value)} is not allowed: the policy lists no allowed ${kind}`;
}

/** Checks one request against one compiled policy. Never throws; refusals are data. */
export function evaluate(
  policy: CaPolicy,
  request: PolicyRequest,
  context: EvaluationContext,
): PolicyDecision {
  const resource = `CaPolicy/${policy.id}`;
  const violations: FieldError[] = [];
  const grounds: string[] = [];
  const refuse = (field: string, message: string, code: 'forbidden' | 'invalid' = 'forbidden') =>
    violations.push({ code, resource, field, message });
  const grant = (field: string, message: string) => grounds.push(`${field}: ${message}`);
  const spec = policy.spec;

  // Issuer
  if (policy.issuers.some((g) => g.test(request.issuer)))
    grant('issuer', `${JSON.stringify(request.issuer)} is allowed`);
  else
    refuse('issuer', `${JSON.stringify(request.issuer)} is not among allowed issuers ${list(spec.issuers)}`);

  // Names
  const names: NormalizedNames = { dns: [], ip: [], uri: [] };
  const dns = request.sans?.dns ?? [];
  const ip = request.sans?.ip ?? [];
  const uri = request.sans?.uri ?? [];
  if (dns.length + ip.length + uri.length === 0)
    refuse('sans', 'at least one DNS, IP or URI name is required', 'invalid');
  if (dns.length + ip.length + uri.length > MAX_SANS) {
    refuse('sans', `${dns.length + ip.length + uri.length} names requested; at most ${MAX_SANS}`, 'invalid');
  }

  dns.forEach((raw, i) => {
    const field = `sans.dns[${i}]`;
    const parsed = parseDnsName(raw);
    if (!parsed.ok) return refuse(field, parsed.message, 'invalid');
    const name = parsed.value;
    if (name.wildcard && !policy.allowWildcardNames) {
      return refuse(
        field,
        `${JSON.stringify(name.name)} is a wildcard name and the policy does not allow wildcards`,
      );
    }
    const match = policy.domains.find((p) => domainMatches(p, name));
    if (!match) {
      return refuse(field, outside(name.name, 'domains', spec.allowedDomains));
    }
    grant(field, `${JSON.stringify(name.name)} is within allowed domain ${match.pattern}`);
    if (!names.dns.includes(name.name)) names.dns.push(name.name);
  });

  ip.forEach((raw, i) => {
    const field = `sans.ip[${i}]`;
    const addr = parseIpAddress(raw);
    if (!addr) return refuse(field, `${JSON.stringify(raw)} is not an IPv4 or IPv6 address`, 'invalid');
    const range = policy.ipRanges.find((r) => ipInRange(r, addr));
    if (!range) {
      return refuse(field, outside(addr.text, 'IP ranges', spec.allowedIpRanges));
    }
    grant(field, `${JSON.stringify(addr.text)} is within allowed range ${range.text}`);
    if (!names.ip.includes(addr.text)) names.ip.push(addr.text);
  });

  uri.forEach((raw, i) => {
    const field = `sans.uri[${i}]`;
    const parsed = parseUriName(raw);
    if (!parsed.ok) return refuse(field, parsed.message, 'invalid');
    const match = policy.uris.find((p) => p.regex.test(parsed.value));
    if (!match) {
      return refuse(field, outside(parsed.value, 'URIs', spec.allowedUris));
    }
    grant(field, `${JSON.stringify(parsed.value)} matches allowed URI ${match.pattern}`);
    if (!names.uri.includes(parsed.value)) names.uri.push(parsed.value);
  });

  // The CN is a display name only: it must repeat one of the SANs, which are what TLS checks.
  if (request.commonName !== undefined && request.commonName !== '') {
    const cn = request.commonName;
    const asDns = parseDnsName(cn);
    const asIp = parseIpAddress(cn);
    const inSans =
      (asDns.ok && names.dns.includes(asDns.value.name)) ||
      (asIp !== null && names.ip.includes(asIp.text)) ||
      names.uri.includes(cn);
    if (cn.length > 64) refuse('commonName', `${JSON.stringify(cn)} is longer than 64 characters`, 'invalid');
    else if (!inSans) refuse('commonName', `${JSON.stringify(cn)} must also be one of the allowed SANs`);
    else names.commonName = asDns.ok ? asDns.value.name : asIp ? asIp.text : cn;
  }

  // Key type and usage
  const keyType = request.keyType ?? DEFAULT_KEY_TYPE;
  if (!isKeyType(keyType)) refuse('keyType', `${JSON.stringify(keyType)} is not a known key type`, 'invalid');
  else if (!policy.keyTypes.includes(keyType)) {
    refuse('keyType', `${keyType} is not among allowed key types ${list(policy.keyTypes)}`);
  } else grant('keyType', `${keyType} is allowed`);

  const usage = request.usage ?? DEFAULT_USAGE;
  if (!isCertificateUsage(usage))
    refuse('usage', `${JSON.stringify(usage)} is not server, client or server-client`, 'invalid');
  else {
    const missing = usagesOf(usage).filter((u) => !policy.usages.includes(u));
    if (missing.length > 0)
      refuse('usage', `${usage} needs ${list(missing)}, not among allowed usages ${list(policy.usages)}`);
    else grant('usage', `${usage} is allowed`);
  }

  // Namespace (issue into a credential, Certificate resources)
  if (request.namespace !== undefined) {
    if (policy.namespaces.some((g) => g.test(request.namespace!)))
      grant('namespace', `${JSON.stringify(request.namespace)} is allowed`);
    else refuse('namespace', outside(request.namespace, 'namespaces', spec.namespaces));
  }

  // Validity
  let ttlSeconds = policy.defaultTtlSeconds;
  let ttlOk = true;
  if (request.ttl !== undefined) {
    const parsed = parseDuration(request.ttl);
    if (!parsed.ok) {
      ttlOk = false;
      refuse('ttl', parsed.message, 'invalid');
    } else if (parsed.seconds <= 0) {
      ttlOk = false;
      refuse('ttl', 'must be longer than 0s', 'invalid');
    } else if (parsed.seconds > policy.maxTtlSeconds) {
      ttlOk = false;
      refuse('ttl', `${request.ttl} exceeds the maximum ${formatDuration(policy.maxTtlSeconds)}`);
    } else ttlSeconds = parsed.seconds;
  }
  const nowMs = context.now.getTime();
  const issuerEndMs = context.issuerNotAfter.getTime();
  if (issuerEndMs <= nowMs) {
    ttlOk = false;
    refuse('issuer', `${JSON.stringify(request.issuer)} expired at ${context.issuerNotAfter.toISOString()}`);
  }
  let validity: Validity | undefined;
  if (ttlOk) {
    const wantedEnd = nowMs + ttlSeconds * 1000;
    const truncated = wantedEnd > issuerEndMs;
    const notAfter = new Date(truncated ? issuerEndMs : wantedEnd);
    validity = {
      ttlSeconds: Math.floor((notAfter.getTime() - nowMs) / 1000),
      notBefore: new Date(nowMs - (context.backdateSeconds ?? 0) * 1000),
      notAfter,
      truncatedToIssuer: truncated,
    };
    const requested = request.ttl ?? `${formatDuration(policy.defaultTtlSeconds)} (default)`;
    grant(
      'ttl',
      truncated
        ? `${requested} cut to ${formatDuration(validity.ttlSeconds)}: the issuer expires at ${notAfter.toISOString()}`
        : `${requested} is within the maximum ${formatDuration(policy.maxTtlSeconds)}`,
    );
  }

  const allowed = violations.length === 0;
  const decision: PolicyDecision = {
    allowed,
    policy: policy.id,
    reasons: allowed ? grounds : violations.map((v) => `${v.field}: ${v.message}`),
    violations,
    names,
    keyType,
    usage,
  };
  if (allowed) decision.validity = validity;
  return decision;
}

/**
 * Checks a request against every policy bound to the caller's team, as approver-policy does: the
 * first policy (by id) that allows it decides; if none does, every policy's refusals are reported.
 */
export function evaluatePolicies(
  policies: readonly CaPolicy[],
  request: PolicyRequest,
  context: EvaluationContext,
  team?: string,
): PolicyDecision {
  const sorted = [...policies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const decisions = sorted.map((p) => evaluate(p, request, context));
  const winner = decisions.find((d) => d.allowed);
  if (winner) return winner;
  if (decisions.length === 0) {
    const who = team === undefined ? 'the caller' : `team ${JSON.stringify(team)}`;
    const violation: FieldError = {
      code: 'forbidden',
      field: 'policy',
      message: `no CA policy applies to ${who}`,
    };
    return {
      allowed: false,
      policy: null,
      reasons: [`${violation.field}: ${violation.message}`],
      violations: [violation],
      names: { dns: [], ip: [], uri: [] },
      keyType: request.keyType ?? DEFAULT_KEY_TYPE,
      usage: request.usage ?? DEFAULT_USAGE,
    };
  }
  if (decisions.length === 1) return decisions[0];
  return {
    ...decisions[0],
    policy: null,
    reasons: decisions.flatMap((d) => d.reasons.map((r) => `${d.policy}: ${r}`)),
    violations: decisions.flatMap((d) => d.violations),
  };
}
