import {
  DerReader,
  contentOf,
  decodeBitString,
  decodeBoolean,
  namedBits,
  readDer,
  type DerElement,
} from './der/reader.js';
import { Tag, contextTag } from './der/tags.js';
import {
  boolean,
  encodeDer,
  implicitPrimitive,
  integer,
  namedBitString,
  octetString,
  oid,
  sequence,
  type DerNode,
} from './der/writer.js';
import { DerError } from './errors.js';
import {
  emptySans,
  encodeGeneralNames,
  parseGeneralNames,
  type SansInput,
  type SubjectAltNames,
} from './general-names.js';
import { EXT_KEY_USAGE_NAMES, KEY_USAGE_BITS, Oid, type KeyUsage } from './oids.js';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue content: the DER of the extension's own structure. */
  value: Buffer;
}

/** An encoded Extension: SEQUENCE { extnID, critical (only when true), extnValue }. */
export function extension(extOid: string, critical: boolean, valueDer: Buffer): Buffer {
  const items: DerNode[] = [oid(extOid)];
  if (critical) items.push(boolean(true));
  items.push(octetString(valueDer));
  return encodeDer(sequence(...items));
}

export function basicConstraintsExtension(ca: boolean, pathLen?: number): Buffer {
  const items: DerNode[] = [];
  if (ca) items.push(boolean(true));
  if (ca && pathLen !== undefined) items.push(integer(pathLen));
  return extension(Oid.basicConstraints, true, encodeDer(sequence(...items)));
}

export function keyUsageExtension(usages: readonly KeyUsage[]): Buffer {
  return extension(Oid.keyUsage, true, namedBitString(usages.map((u) => KEY_USAGE_BITS.indexOf(u))));
}

export function extKeyUsageExtension(oids: readonly string[]): Buffer {
  return extension(Oid.extKeyUsage, false, encodeDer(sequence(...oids.map((o) => oid(o)))));
}

export function subjectKeyIdExtension(keyId: Buffer): Buffer {
  return extension(Oid.subjectKeyIdentifier, false, octetString(keyId));
}

export function authorityKeyIdExtension(keyId: Buffer): Buffer {
  return extension(Oid.authorityKeyIdentifier, false, encodeDer(sequence(implicitPrimitive(0, keyId))));
}

/** RFC 5280 4.2.1.6: critical when the subject is empty. */
export function subjectAltNameExtension(sans: SansInput, critical: boolean): Buffer {
  return extension(Oid.subjectAltName, critical, encodeGeneralNames(sans));
}

/** Reads an Extensions SEQUENCE. Duplicate extensions are an error (RFC 5280 4.2). */
export function readExtensions(el: DerElement, path: string): Extension[] {
  const reader = DerReader.of(el, path);
  const out: Extension[] = [];
  const seen = new Set<string>();
  while (!reader.done) {
    const ext = reader.sequence(`extension[${out.length}]`);
    const extOid = ext.oid('extnID');
    const critEl = ext.optional(Tag.BOOLEAN, 'critical');
    const critical = critEl ? decodeBoolean(critEl, `${path}.critical`) : false;
    const value = contentOf(ext.expect(Tag.OCTET_STRING, 'extnValue'));
    ext.finish();
    if (seen.has(extOid)) throw new DerError(`der: ${path}: extension ${extOid} appears twice`);
    seen.add(extOid);
    out.push({ oid: extOid, critical, value });
  }
  return out;
}

/** What keyway reads out of certificate extensions. */
export interface DecodedExtensions {
  isCa: boolean;
  pathLen?: number;
  keyUsage: KeyUsage[];
  /** Whether a KeyUsage extension is present (absent means "any usage" to RFC 5280 validators). */
  hasKeyUsage: boolean;
  /** Names (`serverAuth`) for known purposes, dotted OIDs for others. */
  extKeyUsage: string[];
  sans: SubjectAltNames;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** Critical extensions this library does not interpret. */
  unhandledCritical: string[];
}

export function decodeExtensions(exts: readonly Extension[], path: string): DecodedExtensions {
  const out: DecodedExtensions = {
    isCa: false,
    keyUsage: [],
    hasKeyUsage: false,
    extKeyUsage: [],
    sans: emptySans(),
    unhandledCritical: [],
  };
  for (const ext of exts) {
    const p = `${path}.${ext.oid}`;
    switch (ext.oid) {
      case Oid.basicConstraints: {
        const r = DerReader.of(readDer(ext.value, p), `${p}(basicConstraints)`);
        const caEl = r.optional(Tag.BOOLEAN, 'cA');
        out.isCa = caEl ? decodeBoolean(caEl, p) : false;
        if (r.peekTag() === Tag.INTEGER) out.pathLen = r.smallInteger('pathLenConstraint');
        r.finish();
        break;
      }
      case Oid.keyUsage:
        out.hasKeyUsage = true;
        out.keyUsage = namedBits(decodeBitString(readDer(ext.value, p), `${p}(keyUsage)`))
          .filter((b) => b < KEY_USAGE_BITS.length)
          .map((b) => KEY_USAGE_BITS[b]);
        break;
      case Oid.extKeyUsage: {
        const r = DerReader.of(readDer(ext.value, p), `${p}(extKeyUsage)`);
        while (!r.done) {
          const purpose = r.oid('keyPurposeId');
          out.extKeyUsage.push(EXT_KEY_USAGE_NAMES[purpose] ?? purpose);
        }
        break;
      }
      case Oid.subjectAltName:
        parseGeneralNames(readDer(ext.value, p), `${p}(subjectAltName)`, out.sans);
        break;
      case Oid.subjectKeyIdentifier: {
        const el = readDer(ext.value, p);
        if (el.tag !== Tag.OCTET_STRING)
          throw new DerError(`der: ${p}(subjectKeyIdentifier): expected OCTET STRING`);
        out.subjectKeyId = contentOf(el).toString('hex');
        break;
      }
      case Oid.authorityKeyIdentifier: {
        const r = DerReader.of(readDer(ext.value, p), `${p}(authorityKeyIdentifier)`);
        const keyId = r.optional(contextTag(0, false), 'keyIdentifier');
        if (keyId) out.authorityKeyId = contentOf(keyId).toString('hex');
        break;
      }
      default:
        if (ext.critical) out.unhandledCritical.push(ext.oid);
    }
  }
  return out;
}
