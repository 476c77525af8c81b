import { globSource } from './glob.js';

/**
 * URI SANs, with SPIFFE IDs held to the SPIFFE spec (lowercase trust domain, no port, query or
 * fragment, no empty or dot path segments), and the URI patterns a policy allows.
 *
 * Pattern syntax (one entry of `allowedUris`): `*` matches within one path segment, `**` across
 * segments, and `{namespace}` stands for any of the policy's namespaces, so
 * `spiffe://cluster.local/ns/{namespace}/sa/*` limits SPIFFE ids to the team's namespaces.
 */
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/;
const SPIFFE_TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SPIFFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

export type UriResult = { ok: true; value: string } | { ok: false; message: string };

export function parseUriName(input: string): UriResult {
  const quoted = JSON.stringify(input);
  if (typeof input !== 'string' || input.length === 0) return { ok: false, message: `${quoted} is empty` };
  if (input.length > 2048) return { ok: false, message: `${quoted} is longer than 2048 characters` };
  if (!URI_CHARS.test(input))
    return { ok: false, message: `${quoted} is not a URI: characters outside RFC 3986` };
  const scheme = SCHEME.exec(input)?.[1];
  if (!scheme)
    return {
      ok: false,
      message: `${quoted} is not a URI: it needs a lowercase scheme (spiffe://, https://)`,
    };
  if (scheme === 'spiffe') return parseSpiffeId(input);
  try {
    new URL(input);
  } catch {
    return { ok: false, message: `${quoted} is not a URI` };
  }
  return { ok: true, value: input };
}

function parseSpiffeId(input: string): UriResult {
  const bad = (why: string): UriResult => ({
    ok: false,
    message: `${JSON.stringify(input)} is not a SPIFFE ID: ${why}`,
  });
  if (!input.startsWith('spiffe://')) return bad('it must start with spiffe://');
  const rest = input.slice('spiffe://'.length);
  if (/[?#]/.test(rest)) return bad('no query or fragment is allowed');
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  if (trustDomain.length === 0) return bad('the trust domain is empty');
  if (!SPIFFE_TRUST_DOMAIN.test(trustDomain)) {
    return bad(
      'the trust domain may hold only lowercase letters, digits, dots, hyphens and underscores (no port or user)',
    );
  }
  if (slash >= 0) {
    const segments = rest.slice(slash + 1).split('/');
    for (const segment of segments) {
      if (segment.length === 0) return bad('path segments must not be empty (no trailing or double slash)');
      if (segment === '.' || segment === '..') return bad('path segments must not be . or ..');
      if (!SPIFFE_SEGMENT.test(segment))
        return bad(`path segment ${JSON.stringify(segment)} has characters outside [A-Za-z0-9._-]`);
    }
  }
  return { ok: true, value: input };
}

export interface UriPattern {
  pattern: string;
  regex: RegExp;
}

export type UriPatternResult = { ok: true; value: UriPattern } | { ok: false; message: string };

/** Compiles one `allowedUris` entry; `namespaces` are the policy's namespace globs. */
export function parseUriPattern(input: string, namespaces: readonly string[]): UriPatternResult {
  const quoted = JSON.stringify(input);
  if (typeof input !== 'string' || !SCHEME.test(input)) {
    return {
      ok: false,
      message: `${quoted} is not a URI pattern: it needs a lowercase scheme (spiffe://...)`,
    };
  }
  const placeholders = input.match(/\{[^}]*\}/g) ?? [];
  const unknown = placeholders.find((p) => p !== '{namespace}');
  if (unknown) return { ok: false, message: `${quoted}: unknown placeholder ${unknown} (only {namespace})` };
  if (placeholders.length > 0 && namespaces.length === 0) {
    return { ok: false, message: `${quoted} uses {namespace} but the policy lists no namespaces` };
  }
  const namespaceSource = `(?:${namespaces.map((ns) => globSource(ns, '[a-z0-9-]*')).join('|')})`;
  const source = input
    .split('{namespace}')
    .map((part) =>
      part
        .split('**')
        .map((piece) => globSource(piece, '[^/]*'))
        .join('.*'),
    )
    .join(namespaceSource);
  return { ok: true, value: { pattern: input, regex: new RegExp(`^${source}$`) } };
}
