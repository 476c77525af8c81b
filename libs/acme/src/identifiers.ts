import { parseDnsName } from '#keyway/ca-policy';
import type { FieldError } from '#keyway/contracts';
import { acmeError, problem, type AcmeIdentifier, type AcmeProblem } from './problem.js';

/** Most identifiers one order may name (the ca's own limit on SANs is 100). */
export const DEFAULT_MAX_IDENTIFIERS = 100;

/**
 * The identifiers of a newOrder: DNS names only (RFC 8555 §9.7.7 `dns`), each a valid name,
 * lowercased and deduplicated, at most `max`. A name that is not a DNS name is rejectedIdentifier
 * with a subproblem naming it; another identifier type is unsupportedIdentifier.
 */
export function parseOrderIdentifiers(value: unknown, max = DEFAULT_MAX_IDENTIFIERS): AcmeIdentifier[] {
  if (!Array.isArray(value) || value.length === 0)
    throw acmeError('malformed', 'identifiers: a non-empty list is required');
  if (value.length > max)
    throw acmeError('rejectedIdentifier', `identifiers: ${value.length} named; at most ${max} per order`);
  const out: AcmeIdentifier[] = [];
  const subproblems: NonNullable<AcmeProblem['subproblems']> = [];
  for (const item of value) {
    const id = item as { type?: unknown; value?: unknown };
    if (typeof id !== 'object' || id === null || typeof id.value !== 'string')
      throw acmeError('malformed', 'identifiers: each must be {type, value}');
    const shown = id.value.slice(0, 260);
    if (id.type !== 'dns')
      throw acmeError(
        'unsupportedIdentifier',
        `identifier type ${JSON.stringify(id.type)} is not supported: dns only`,
      );
    const parsed = parseDnsName(id.value);
    if (!parsed.ok) {
      subproblems.push({
        ...problem('rejectedIdentifier', parsed.message),
        identifier: { type: 'dns', value: shown },
      });
      continue;
    }
    if (!out.some((o) => o.value === parsed.value.name)) out.push({ type: 'dns', value: parsed.value.name });
  }
  if (subproblems.length > 0)
    throw acmeError('rejectedIdentifier', `${subproblems.length} identifier(s) are not valid DNS names`, {
      subproblems,
    });
  return out.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** What one authorization is for: a wildcard order names `*.example.com`, authorized as example.com. */
export interface AuthorizationTarget {
  identifier: AcmeIdentifier;
  wildcard: boolean;
}

export function authorizationTarget(identifier: AcmeIdentifier): AuthorizationTarget {
  if (identifier.value.startsWith('*.'))
    return { identifier: { type: 'dns', value: identifier.value.slice(2) }, wildcard: true };
  return { identifier, wildcard: false };
}

/**
 * A team policy's refusal of an order (the ca's decision, libs/ca-policy violations) as an RFC 8555
 * rejectedIdentifier problem: each violation of `sans.dns[i]` is a subproblem for identifier i,
 * naming the policy (`CaPolicy/team/name`) and its rule; the others (issuer, ttl, no policy) are in
 * the detail.
 */
export function policyRefusalProblem(
  identifiers: readonly AcmeIdentifier[],
  violations: readonly FieldError[],
): AcmeProblem {
  const subproblems: NonNullable<AcmeProblem['subproblems']> = [];
  const general: string[] = [];
  for (const v of violations) {
    const m = /^sans\.dns\[(\d+)\]$/.exec(v.field);
    const rule = `${v.resource ? `${v.resource}: ` : ''}${v.field}: ${v.message}`;
    const identifier = m ? identifiers[Number(m[1])] : undefined;
    if (identifier) subproblems.push({ ...problem('rejectedIdentifier', rule), identifier });
    else general.push(rule);
  }
  const detail =
    subproblems.length > 0
      ? `the team's issuance policy refuses ${subproblems.map((s) => s.identifier.value).join(', ')}` +
        (general.length > 0 ? `; ${general.join('; ')}` : '')
      : `the team's issuance policy refuses this order: ${general.join('; ') || 'no reason given'}`;
  return problem('rejectedIdentifier', detail, subproblems.length > 0 ? { subproblems } : {});
}
