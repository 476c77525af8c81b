/**
 * DNS names as they go into a certificate's SAN, and the domain patterns a policy allows.
 *
 * Pattern syntax (one entry of `allowedDomains`):
 * - `example.com`       exactly that name;
 * - `*.example.com`     any single label under example.com (a `*` label matches one label);
 * - `**.example.com`    any depth of subdomains under example.com, never the apex;
 * - `api-*.example.com` a glob inside one label (`*` never crosses a dot).
 *
 * A requested wildcard name (`*.example.com`) is allowed only if the policy opts in, and then only
 * where the pattern would allow every name the wildcard covers: its `*` label is matched only by a
 * pattern's `*` label or by `**`, never by a literal or a glob such as `api-*`.
 */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GLOB_LABEL = /^[a-z0-9*](?:[a-z0-9*-]{0,61}[a-z0-9*])?$/;

export interface DnsName {
  /** Lowercase, without a trailing dot. */
  name: string;
  labels: string[];
  wildcard: boolean;
}

export type DnsNameResult = { ok: true; value: DnsName } | { ok: false; message: string };

/** Normalizes (lowercase, no trailing dot) and checks a requested SAN DNS name. */
export function parseDnsName(input: string): DnsNameResult {
  const quoted = JSON.stringify(input);
  if (typeof input !== 'string' || input.length === 0) return { ok: false, message: `${quoted} is empty` };
  if (/[^\x21-\x7e]/.test(input)) {
    return {
      ok: false,
      message: `${quoted} is not a valid DNS name: only ASCII is allowed (write IDNs as xn-- punycode)`,
    };
  }
  const name = input.toLowerCase().replace(/\.$/, '');
  if (name.length > 253)
    return { ok: false, message: `${quoted} is not a valid DNS name: longer than 253 characters` };
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === '*' && i === 0) continue;
    if (label.includes('*')) {
      return {
        ok: false,
        message: `${quoted} is not a valid DNS name: a wildcard must be the whole leftmost label (*.example.com)`,
      };
    }
    if (label.length === 0) return { ok: false, message: `${quoted} is not a valid DNS name: empty label` };
    if (!LABEL.test(label)) {
      return {
        ok: false,
        message: `${quoted} is not a valid DNS name: label ${JSON.stringify(label)} must be 1-63 letters, digits or inner hyphens`,
      };
    }
  }
  const wildcard = labels[0] === '*';
  if (wildcard && labels.length < 3) {
    return {
      ok: false,
      message: `${quoted} is not a valid DNS name: a wildcard needs at least two labels under it`,
    };
  }
  return { ok: true, value: { name, labels, wildcard } };
}

/** A compiled `allowedDomains` entry. */
export interface DomainPattern {
  pattern: string;
  /** True when the leftmost label is `**`: any depth of subdomains. */
  anyDepth: boolean;
  /** Labels after `**` (all labels when not anyDepth), each a literal, `*`, or a one-label glob. */
  labels: Array<{ text: string; glob: RegExp | null }>;
}

export type DomainPatternResult = { ok: true; value: DomainPattern } | { ok: false; message: string };

export function parseDomainPattern(input: string): DomainPatternResult {
  const quoted = JSON.stringify(input);
  if (typeof input !== 'string' || input.length === 0) return { ok: false, message: `${quoted} is empty` };
  const pattern = input.toLowerCase().replace(/\.$/, '');
  const all = pattern.split('.');
  const anyDepth = all[0] === '**';
  const rest = anyDepth ? all.slice(1) : all;
  if (rest.length === 0)
    return { ok: false, message: `${quoted}: \`**\` needs a domain after it (**.example.com)` };
  const labels: DomainPattern['labels'] = [];
  for (const label of rest) {
    if (label === '**') return { ok: false, message: `${quoted}: \`**\` may only be the leftmost label` };
    if (!GLOB_LABEL.test(label) || label.includes('**')) {
      return {
        ok: false,
        message: `${quoted}: label ${JSON.stringify(label)} is not a DNS label or a one-label glob`,
      };
    }
    const glob =
      label.includes('*') && label !== '*'
        ? new RegExp(`^${label.replace(/-/g, '\\-').replace(/\*/g, '[a-z0-9-]*')}$`)
        : null;
    labels.push({ text: label, glob });
  }
  return { ok: true, value: { pattern, anyDepth, labels } };
}

function labelMatches(p: DomainPattern['labels'][number], label: string): boolean {
  if (p.text === '*') return true;
  // A requested `*` stands for every label, which only a bare `*` (or `**`) allows.
  if (label === '*') return false;
  return p.glob ? p.glob.test(label) : p.text === label;
}

export function domainMatches(pattern: DomainPattern, name: DnsName): boolean {
  const { labels } = name;
  if (pattern.anyDepth) {
    if (labels.length <= pattern.labels.length) return false;
  } else if (labels.length !== pattern.labels.length) {
    return false;
  }
  const offset = labels.length - pattern.labels.length;
  return pattern.labels.every((p, i) => labelMatches(p, labels[offset + i]));
}
