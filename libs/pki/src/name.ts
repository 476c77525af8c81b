import { DerReader, decodeString, rawOf, type DerElement } from './der/reader.js';
import { Tag } from './der/tags.js';
import {
  encodeDer,
  ia5String,
  isPrintableString,
  oid,
  printableString,
  sequence,
  set,
  utf8String,
  type DerNode,
} from './der/writer.js';
import { DerError, type FieldProblem } from './errors.js';
import { NAME_ATTRIBUTES, Oid } from './oids.js';

/** A distinguished name by common fields; written in the order C, ST, L, O, OU, CN, serialNumber. */
export interface NameFields {
  commonName?: string;
  organization?: string | readonly string[];
  organizationalUnit?: string | readonly string[];
  country?: string;
  state?: string;
  locality?: string;
  serialNumber?: string;
}

/** One attribute by RFC 4514 short name (`CN`, `O`, `DC`...) or dotted OID; each becomes its own RDN, in order. */
export interface NameAttribute {
  type: string;
  value: string;
}

export type NameInput = NameFields | readonly NameAttribute[];

export interface ParsedNameAttribute {
  /** Short name when known (`CN`), else the dotted OID. */
  type: string;
  oid: string;
  value: string;
}

export interface ParsedName {
  /** RFC 4514 form, most specific RDN first: `CN=api.example.com,O=Example`. Empty for an empty name. */
  text: string;
  /** RDNs in encoded order; each RDN holds one or more attributes. */
  rdns: ParsedNameAttribute[][];
  commonName?: string;
  organization: string[];
  organizationalUnit: string[];
  country?: string;
  state?: string;
  locality?: string;
  serialNumber?: string;
  /** The encoded Name, for exact issuer/subject matching. */
  der: Buffer;
}

const BY_SHORT = new Map(NAME_ATTRIBUTES.map((a) => [a.short.toLowerCase(), a.oid]));
const BY_OID = new Map(NAME_ATTRIBUTES.map((a) => [a.oid, a.short]));
const OID_C = '2.5.4.6';
const OID_SERIAL = '2.5.4.5';
const OID_DC = '0.9.2342.19200300.100.1.25';
/** X.520 upper bounds (RFC 5280 appendix A) for the attributes people fill in. */
const UPPER_BOUND: Record<string, number> = {
  '2.5.4.3': 64,
  '2.5.4.10': 64,
  '2.5.4.11': 64,
  '2.5.4.7': 128,
  '2.5.4.8': 128,
  [OID_SERIAL]: 64,
};

const EMPTY_NAME = Buffer.from([Tag.SEQUENCE, 0]);

function attributeOid(type: string): string | undefined {
  if (/^\d+(\.\d+)+$/.test(type)) return type;
  return BY_SHORT.get(type.toLowerCase());
}

function attributeValue(attrOid: string, value: string): Buffer {
  if (attrOid === OID_C || attrOid === OID_SERIAL) return printableString(value);
  if (attrOid === OID_DC || attrOid === Oid.emailAddress) return ia5String(value);
  return utf8String(value);
}

function fieldsToAttributes(fields: NameFields): NameAttribute[] {
  const out: NameAttribute[] = [];
  const add = (type: string, v: string | readonly string[] | undefined): void => {
    if (v === undefined) return;
    for (const value of typeof v === 'string' ? [v] : v) out.push({ type, value });
  };
  add('C', fields.country);
  add('ST', fields.state);
  add('L', fields.locality);
  add('O', fields.organization);
  add('OU', fields.organizationalUnit);
  add('CN', fields.commonName);
  add('serialNumber', fields.serialNumber);
  return out;
}

export function nameAttributes(input: NameInput | undefined): readonly NameAttribute[] {
  if (!input) return [];
  return Array.isArray(input) ? (input as readonly NameAttribute[]) : fieldsToAttributes(input as NameFields);
}

/** Problems with a name before it is encoded; empty when it is valid. */
export function nameProblems(input: NameInput | undefined, path: string): FieldProblem[] {
  return attributeProblems(nameAttributes(input), Array.isArray(input), path);
}

/** As nameProblems, for attributes already listed (`indexed`: name fields by index rather than by type). */
export function attributeProblems(
  attrs: readonly NameAttribute[],
  indexed: boolean,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  attrs.forEach((a, i) => {
    const field = indexed ? `${path}[${i}]` : `${path}.${a.type}`;
    const attrOid = attributeOid(a.type);
    if (!attrOid) problems.push({ field, message: `unknown attribute type ${JSON.stringify(a.type)}` });
    else if (typeof a.value !== 'string' || a.value.length === 0)
      problems.push({ field, message: 'must be a non-empty string' });
    else if (attrOid === OID_C && !/^[A-Z]{2}$/.test(a.value))
      problems.push({ field, message: 'country must be a two-letter ISO 3166 code' });
    else if (attrOid === OID_SERIAL && !isPrintableString(a.value))
      problems.push({ field, message: 'must use PrintableString characters' });
    else if ((attrOid === OID_DC || attrOid === Oid.emailAddress) && !/^[\x20-\x7e]*$/.test(a.value)) {
      problems.push({ field, message: 'must be ASCII' });
    } else if (UPPER_BOUND[attrOid] !== undefined && [...a.value].length > UPPER_BOUND[attrOid]) {
      problems.push({ field, message: `longer than ${UPPER_BOUND[attrOid]} characters` });
    }
  });
  return problems;
}

/** Encodes a Name (RDNSequence, one attribute per RDN). Throws DerError for an unknown attribute type. */
export function encodeName(input: NameInput | undefined): Buffer {
  const attrs = nameAttributes(input);
  if (attrs.length === 0) return EMPTY_NAME;
  const rdns: DerNode[] = attrs.map((a) => {
    const attrOid = attributeOid(a.type);
    if (!attrOid) throw new DerError(`der: name: unknown attribute type ${JSON.stringify(a.type)}`);
    return set(sequence(oid(attrOid), attributeValue(attrOid, a.value)));
  });
  return encodeDer(sequence(...rdns));
}

function escapeValue(value: string): string {
  let out = value.replace(/["+,;<>\\]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4514 string: RDNs from last to first, multi-valued RDNs joined with `+`. */
export function formatName(rdns: readonly ParsedNameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+'))
    .join(',');
}

/** Parses a Name element (the SEQUENCE). */
export function parseName(el: DerElement, path: string): ParsedName {
  const reader = DerReader.of(el, path);
  const rdns: ParsedNameAttribute[][] = [];
  const parsed: ParsedName = { text: '', rdns, organization: [], organizationalUnit: [], der: rawOf(el) };
  let i = 0;
  while (!reader.done) {
    const setEl = reader.expect(Tag.SET, `rdn[${i}]`);
    const rdnReader = DerReader.of(setEl, `${path}.rdn[${i}]`);
    const rdn: ParsedNameAttribute[] = [];
    while (!rdnReader.done) {
      const attr = rdnReader.sequence('attribute');
      const attrOid = attr.oid('type');
      const valueEl = attr.next('value');
      attr.finish();
      let value: string;
      try {
        value = decodeString(valueEl, `${path}.rdn[${i}].value`);
      } catch {
        // Non-string values are written as RFC 4514 hex of their encoding.
        value = `#${rawOf(valueEl).toString('hex')}`;
      }
      const short = BY_OID.get(attrOid);
      rdn.push({ type: short ?? attrOid, oid: attrOid, value });
      switch (short) {
        case 'CN':
          parsed.commonName ??= value;
          break;
        case 'O':
          parsed.organization.push(value);
          break;
        case 'OU':
          parsed.organizationalUnit.push(value);
          break;
        case 'C':
          parsed.country ??= value;
          break;
        case 'ST':
          parsed.state ??= value;
          break;
        case 'L':
          parsed.locality ??= value;
          break;
        case 'serialNumber':
          parsed.serialNumber ??= value;
          break;
      }
    }
    if (rdn.length === 0) throw new DerError(`der: ${path}.rdn[${i}]: empty RelativeDistinguishedName`);
    rdns.push(rdn);
    i++;
  }
  parsed.text = formatName(rdns);
  return parsed;
}

/**
 * Whether two names denote the same entity: identical encodings, or (RFC 5280 7.1 in its common
 * simplification) the same attributes compared case-insensitively with whitespace collapsed.
 */
export function namesMatch(a: ParsedName, b: ParsedName): boolean {
  if (a.der.equals(b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  const norm = (n: ParsedName): string =>
    n.rdns
      .map((rdn) =>
        rdn
          .map((x) => `${x.oid}=${x.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
          .sort()
          .join('+'),
      )
      .join(',');
  return norm(a) === norm(b);
}
