import { X509Certificate, hash, type KeyObject } from 'node:crypto';
import {
  DerReader,
  certificateSpkiDer,
  describeSpki,
  type PublicKeyDescription,
  Oid,
  contentOf,
  contextTag,
  parseCertificate,
  readDer,
  type ParsedCertificate,
  type ParsedName,
} from '#keyway/pki';

/**
 * One certificate of a Secret, with the text node's X509Certificate gives (which the audit log records
 * and messages quote), read by libs/pki where that text is certain to be the same.
 *
 * Why: building node's X509Certificate costs ~0.18 ms on Node 20 (OpenSSL 3.0), a sixth of the CPU
 * an apply takes, ~0.06 ms on Node 24; libs/pki parses the same certificate in ~0.03 ms (measured).
 * OpenSSL's name and SAN printing has escaping rules, so the fast reading is taken only for plain
 * text (the attribute types and characters below, checked against node in secret-certificate.spec.ts);
 * anything else is asked of node, as before, and a certificate libs/pki does not parse is node's alone.
 */
export class SecretCertificate {
  readonly #parsed?: ParsedCertificate;
  #node?: X509Certificate;
  /** Texts read so far (a field absent here has not been read). */
  readonly #texts = new Map<'subject' | 'issuer' | 'subjectAltName', string | undefined>();

  /** Throws node's error for DER that neither reads. */
  constructor(readonly raw: Buffer) {
    try {
      this.#parsed = parseCertificate(raw);
    } catch {
      this.#node = new X509Certificate(raw);
    }
  }

  /** Node's X509Certificate, built on first use. */
  get node(): X509Certificate {
    return (this.#node ??= new X509Certificate(this.raw));
  }

  /**
   * Node's `subject`: one `SN=value` per line, most general first; empty for an empty name (Node 20
   * says undefined there, Node 24 '').
   */
  get subject(): string | undefined {
    return this.#text(
      'subject',
      (p) => plainName(p.subjectName),
      (n) => n.subject ?? '',
    );
  }

  get issuer(): string | undefined {
    return this.#text(
      'issuer',
      (p) => plainName(p.issuerName),
      (n) => n.issuer ?? '',
    );
  }

  /** Node's `subjectAltName`: `DNS:a, IP Address:10.0.0.1, URI:...`, undefined without the extension. */
  get subjectAltName(): string | undefined {
    return this.#text('subjectAltName', plainSubjectAltName, (n) => n.subjectAltName);
  }

  /** A text field, read once: libs/pki's plain reading (`null` when not plain), else node's. */
  #text(
    field: 'subject' | 'issuer' | 'subjectAltName',
    plain: (p: ParsedCertificate) => string | undefined | null,
    fromNode: (n: X509Certificate) => string | undefined,
  ): string | undefined {
    if (!this.#texts.has(field)) {
      const fast = this.#parsed ? plain(this.#parsed) : null;
      this.#texts.set(field, fast === null ? fromNode(this.node) : fast);
    }
    return this.#texts.get(field);
  }

  /** The DER SubjectPublicKeyInfo, as libs/pki already read it. */
  get spkiDer(): Buffer {
    return this.#parsed?.spkiDer ?? certificateSpkiDer(this.raw);
  }

  /** Key type, size and SPKI SHA-256, as libs/pki already described them. */
  get spki(): PublicKeyDescription {
    return this.#parsed?.publicKey ?? describeSpki(this.spkiDer);
  }

  /** Lowercase hex SHA-256 of the DER certificate. */
  get fingerprintSha256(): string {
    return this.#parsed?.fingerprintSha256 ?? hash('sha256', this.raw, 'hex');
  }

  /** Lowercase hex without leading zero octets (`0` for zero); node's reading of a negative one. */
  get serialHex(): string {
    const fast = this.#parsed && !negativeSerial(this.#parsed) ? this.#parsed.serialHex : undefined;
    return normalizeSerial(fast ?? this.node.serialNumber);
  }

  get notBefore(): Date {
    return this.#parsed && !this.#parsed.notBefore.getUTCMilliseconds()
      ? this.#parsed.notBefore
      : new Date(this.node.validFrom);
  }

  get notAfter(): Date {
    return this.#parsed && !this.#parsed.notAfter.getUTCMilliseconds()
      ? this.#parsed.notAfter
      : new Date(this.node.validTo);
  }

  get fingerprint256(): string {
    return this.node.fingerprint256;
  }

  get publicKey(): KeyObject {
    return this.node.publicKey;
  }
}

function negativeSerial(cert: ParsedCertificate): boolean {
  const tbs = DerReader.of(readDer(cert.tbsDer, 'tbsCertificate'), 'tbsCertificate');
  tbs.optional(contextTag(0, true), 'version');
  return (tbs.integerBytes('serialNumber')[0] & 0x80) !== 0;
}

function normalizeSerial(hex: string): string {
  const stripped = hex
    .toLowerCase()
    .replace(/:/g, '')
    .replace(/^(00)+/, '');
  return stripped.length ? stripped : '0';
}

/** Attribute types whose OpenSSL short name is libs/pki's. */
const PLAIN_TYPES = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
]);

/**
 * Values OpenSSL prints as they are under RFC 2253 escaping: printable ASCII without `,+"\<>;=#`,
 * not starting or ending with a space.
 */
const PLAIN_VALUE = /^(?! )[A-Za-z0-9 '()*./:?@_&!$%~-]*(?<! )$/;

/** `null` when the name is not plain. */
export function plainName(name: ParsedName): string | null {
  if (name.rdns.length === 0) return '';
  const lines: string[] = [];
  for (const rdn of name.rdns) {
    if (rdn.length !== 1) return null;
    const short = PLAIN_TYPES.get(rdn[0].oid);
    if (!short || !PLAIN_VALUE.test(rdn[0].value) || rdn[0].value.length === 0) return null;
    lines.push(`${short}=${rdn[0].value}`);
  }
  return lines.join('\n');
}

/** SAN values node prints unquoted: printable ASCII without `"\,'` or spaces. */
const PLAIN_SAN = /^[A-Za-z0-9.*_:/?#[\]@!$&()+;=%~-]+$/;

/** GeneralName tags (RFC 5280 4.2.1.6) printed as text, and iPAddress. */
const SAN_PREFIX = new Map([
  [contextTag(1, false), 'email'],
  [contextTag(2, false), 'DNS'],
  [contextTag(6, false), 'URI'],
]);
const IP_ADDRESS = contextTag(7, false);

/** The SAN text in certificate order, or `null` for any entry beyond plain DNS, IPv4, URI and email. */
export function plainSubjectAltName(cert: ParsedCertificate): string | undefined | null {
  const ext = cert.extensions.find((e) => e.oid === Oid.subjectAltName);
  if (!ext) return undefined;
  try {
    const names = DerReader.of(readDer(ext.value, 'subjectAltName'), 'subjectAltName');
    const out: string[] = [];
    while (!names.done) {
      const el = names.next('GeneralName');
      const content = contentOf(el);
      const prefix = SAN_PREFIX.get(el.tag);
      if (prefix) {
        const text = content.toString('latin1');
        if (!PLAIN_SAN.test(text)) return null;
        out.push(`${prefix}:${text}`);
      } else if (el.tag === IP_ADDRESS && content.length === 4) {
        out.push(`IP Address:${content.join('.')}`);
      } else return null;
    }
    return out.length ? out.join(', ') : null;
  } catch {
    return null;
  }
}
