import { DerReader, contentOf, type DerElement } from './der/reader.js';
import { contextTag } from './der/tags.js';
import { encodeDer, implicitPrimitive, sequence, type DerNode } from './der/writer.js';
import { DerError, type FieldProblem } from './errors.js';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

export interface SansInput {
  dns?: readonly string[];
  /** IPv4 or IPv6 text. */
  ip?: readonly string[];
  /** e.g. SPIFFE IDs `spiffe://cluster.local/ns/default/sa/httpbin`. */
  uri?: readonly string[];
  email?: readonly string[];
}

export interface SubjectAltNames {
  dns: string[];
  ip: string[];
  uri: string[];
  email: string[];
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/;
const EMAIL = /^[\x21-\x3f\x41-\x7e]+@[A-Za-z0-9.-]+$/;

/** RFC 1123 host name, optionally with a wildcard as the whole leftmost label (`*.example.com`). */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  const first = labels[0] === '*' && labels.length > 2 ? 1 : 0;
  for (let i = first; i < labels.length; i++) if (!DNS_LABEL.test(labels[i])) return false;
  return true;
}

export function hasSans(sans: SansInput | undefined): boolean {
  return !!sans && !!(sans.dns?.length || sans.ip?.length || sans.uri?.length || sans.email?.length);
}

export function sansProblems(sans: SansInput | undefined, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!sans) return problems;
  const check = (kind: keyof SansInput, ok: (v: string) => boolean, what: string): void => {
    sans[kind]?.forEach((v, i) => {
      if (typeof v !== 'string' || !ok(v))
        problems.push({ field: `${path}.${kind}[${i}]`, message: `${JSON.stringify(v)}: not ${what}` });
    });
  };
  check('dns', isDnsName, 'a valid DNS name');
  check('ip', (v) => parseIpAddress(v) !== undefined, 'an IPv4 or IPv6 address');
  check('uri', (v) => URI.test(v), 'an absolute URI');
  check('email', (v) => EMAIL.test(v), 'an ASCII email address');
  return problems;
}

/** GeneralNames SEQUENCE: DNS names, IPs, URIs, emails in that order. Assumes validated input. */
export function encodeGeneralNames(sans: SansInput): Buffer {
  const items: DerNode[] = [];
  for (const d of sans.dns ?? []) items.push(implicitPrimitive(2, Buffer.from(d, 'latin1')));
  for (const ip of sans.ip ?? []) {
    const bytes = parseIpAddress(ip);
    if (!bytes) throw new DerError(`der: subjectAltName: ${JSON.stringify(ip)}: not an IP address`);
    items.push(implicitPrimitive(7, bytes));
  }
  for (const u of sans.uri ?? []) items.push(implicitPrimitive(6, Buffer.from(u, 'latin1')));
  for (const e of sans.email ?? []) items.push(implicitPrimitive(1, Buffer.from(e, 'latin1')));
  return encodeDer(sequence(...items));
}

const T_EMAIL = contextTag(1, false);
const T_DNS = contextTag(2, false);
const T_URI = contextTag(6, false);
const T_IP = contextTag(7, false);

export function emptySans(): SubjectAltNames {
  return { dns: [], ip: [], uri: [], email: [] };
}

/** Reads the name kinds keyway uses; otherName, directoryName and registeredID are skipped. */
export function parseGeneralNames(
  el: DerElement,
  path: string,
  into: SubjectAltNames = emptySans(),
): SubjectAltNames {
  const reader = DerReader.of(el, path);
  while (!reader.done) {
    const gn = reader.next('generalName');
    const c = contentOf(gn);
    switch (gn.tag) {
      case T_DNS:
        into.dns.push(c.toString('latin1'));
        break;
      case T_IP:
        into.ip.push(formatIpAddress(c));
        break;
      case T_URI:
        into.uri.push(c.toString('latin1'));
        break;
      case T_EMAIL:
        into.email.push(c.toString('latin1'));
        break;
    }
  }
  return into;
}
