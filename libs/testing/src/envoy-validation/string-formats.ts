import { isIP } from 'node:net';

/** protoc-gen-validate's `hostname`: dot-separated labels of letters, digits and inner hyphens. */
export function isHostname(s: string): boolean {
  if (s.length > 253) return false;
  return s
    .replace(/\.$/, '')
    .split('.')
    .every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

/** The well-known string formats this checker evaluates, by rule key. */
export const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  hostname: isHostname,
  ip: (s) => isIP(s) !== 0,
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  address: (s) => isIP(s) !== 0 || isHostname(s),
};

// protoc-gen-validate's regexes for well_known_regex, strict unless `strict: false`.
const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// eslint-disable-next-line no-control-regex -- the rule is about control characters
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// eslint-disable-next-line no-control-regex -- non-strict header rules only forbid NUL, LF and CR
const NO_NUL_CR_LF = /^[^\u0000\u000A\u000D]*$/;

export function wellKnownRegex(name: string, strict: boolean): RegExp | undefined {
  if (!strict) return name === 'HTTP_HEADER_NAME' || name === 'HTTP_HEADER_VALUE' ? NO_NUL_CR_LF : undefined;
  if (name === 'HTTP_HEADER_NAME') return HEADER_NAME;
  if (name === 'HTTP_HEADER_VALUE') return HEADER_VALUE;
  return undefined;
}
