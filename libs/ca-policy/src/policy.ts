import type { FieldError } from '#keyway/contracts';
import { parseDomainPattern, type DomainPattern } from './dns-name.js';
import { parseDuration } from './duration.js';
import { globToRegExp } from './glob.js';
import { parseIpRange, type IpRange } from './ip-address.js';
import { DEFAULT_KEY_TYPE, USAGES, isKeyType, type KeyType, type Usage } from './key-type.js';
import { parseUriPattern, type UriPattern } from './uri-name.js';

/**
 * A team's issuance policy as it is applied (durations as text), in the manner of a Vault PKI role
 * or a cert-manager approver-policy CertificateRequestPolicy. Anything not listed is refused.
 */
export interface CaPolicySpec {
  team: string;
  name: string;
  /** Issuer (CA) names or globs this policy lets the team use; `*` for all. */
  issuers: string[];
  /** Domain patterns: see dns-name.ts (`example.com`, `*.example.com`, `**.example.com`, `api-*.example.com`). */
  allowedDomains?: string[];
  /** Requested wildcard names (`*.example.com`) are refused unless this is true. */
  allowWildcardNames?: boolean;
  /** CIDR ranges or single addresses for IP SANs. */
  allowedIpRanges?: string[];
  /** URI patterns (`*`, `**`, `{namespace}`), e.g. `spiffe://cluster.local/ns/{namespace}/sa/*`. */
  allowedUris?: string[];
  /** Namespaces (or globs) the team may issue into as a credential or Certificate resource. */
  namespaces?: string[];
  /** Go-style durations: `2160h`. */
  maxTtl: string;
  /** Defaults to maxTtl. */
  defaultTtl?: string;
  /** Defaults to [ecdsa-p256]. */
  keyTypes?: KeyType[];
  /** Defaults to [server]. */
  usages?: Usage[];
}

/** A policy checked and compiled, ready for evaluate(). */
export interface CaPolicy {
  id: string;
  spec: CaPolicySpec;
  issuers: RegExp[];
  domains: DomainPattern[];
  allowWildcardNames: boolean;
  ipRanges: IpRange[];
  uris: UriPattern[];
  namespaces: RegExp[];
  maxTtlSeconds: number;
  defaultTtlSeconds: number;
  keyTypes: KeyType[];
  usages: Usage[];
}

export type CompiledPolicy = { ok: true; value: CaPolicy } | { ok: false; errors: FieldError[] };

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_GLOB = /^[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?$/;

export function policyId(spec: Pick<CaPolicySpec, 'team' | 'name'>): string {
  return `${spec.team}/${spec.name}`;
}

/** Checks every field of a policy; all problems come back as data with their field paths. */
export function compilePolicy(spec: CaPolicySpec): CompiledPolicy {
  const resource = `CaPolicy/${spec.team}/${spec.name}`;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ code: 'invalid', resource, field, message });

  if (!NAME.test(spec.team ?? '')) fail('team', 'must be a lowercase DNS-1123 label');
  if (!NAME.test(spec.name ?? '')) fail('name', 'must be a lowercase DNS-1123 label');

  const issuers: RegExp[] = [];
  if (!Array.isArray(spec.issuers) || spec.issuers.length === 0)
    fail('issuers', 'list at least one issuer (or "*")');
  else
    spec.issuers.forEach((g, i) =>
      NAME_GLOB.test(g)
        ? issuers.push(globToRegExp(g))
        : fail(`issuers[${i}]`, `${JSON.stringify(g)} is not an issuer name or glob`),
    );

  const domains: DomainPattern[] = [];
  (spec.allowedDomains ?? []).forEach((p, i) => {
    const r = parseDomainPattern(p);
    if (r.ok) domains.push(r.value);
    else fail(`allowedDomains[${i}]`, r.message);
  });

  const ipRanges: IpRange[] = [];
  (spec.allowedIpRanges ?? []).forEach((p, i) => {
    const r = parseIpRange(p);
    if (r.ok) ipRanges.push(r.value);
    else fail(`allowedIpRanges[${i}]`, r.message);
  });

  const namespaceGlobs = spec.namespaces ?? [];
  const namespaces: RegExp[] = [];
  namespaceGlobs.forEach((g, i) =>
    /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/.test(g) && g.length <= 63
      ? namespaces.push(globToRegExp(g))
      : fail(`namespaces[${i}]`, `${JSON.stringify(g)} is not a namespace or namespace glob`),
  );

  const uris: UriPattern[] = [];
  (spec.allowedUris ?? []).forEach((p, i) => {
    const r = parseUriPattern(p, namespaceGlobs);
    if (r.ok) uris.push(r.value);
    else fail(`allowedUris[${i}]`, r.message);
  });

  let maxTtlSeconds = 0;
  const max = parseDuration(spec.maxTtl);
  if (!max.ok) fail('maxTtl', max.message);
  else if (max.seconds <= 0) fail('maxTtl', 'must be longer than 0s');
  else maxTtlSeconds = max.seconds;

  let defaultTtlSeconds = maxTtlSeconds;
  if (spec.defaultTtl !== undefined) {
    const d = parseDuration(spec.defaultTtl);
    if (!d.ok) fail('defaultTtl', d.message);
    else if (d.seconds <= 0) fail('defaultTtl', 'must be longer than 0s');
    else if (max.ok && d.seconds > max.seconds)
      fail('defaultTtl', `${spec.defaultTtl} exceeds maxTtl ${spec.maxTtl}`);
    else defaultTtlSeconds = d.seconds;
  }

  const keyTypes = spec.keyTypes ?? [DEFAULT_KEY_TYPE];
  if (keyTypes.length === 0) fail('keyTypes', 'list at least one key type');
  keyTypes.forEach((k, i) => {
    if (!isKeyType(k))
      fail(
        `keyTypes[${i}]`,
        `${JSON.stringify(k)} is not one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096`,
      );
  });

  const usages = spec.usages ?? ['server'];
  if (usages.length === 0) fail('usages', 'list at least one usage');
  usages.forEach((u, i) => {
    if (!(USAGES as readonly string[]).includes(u))
      fail(`usages[${i}]`, `${JSON.stringify(u)} is not server or client`);
  });

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id: policyId(spec),
      spec,
      issuers,
      domains,
      allowWildcardNames: spec.allowWildcardNames === true,
      ipRanges,
      uris,
      namespaces,
      maxTtlSeconds,
      defaultTtlSeconds,
      keyTypes: [...keyTypes],
      usages: [...usages],
    },
  };
}
