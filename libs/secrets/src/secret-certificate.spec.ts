import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import {
  Oid,
  Tag,
  bitString,
  encodeDer,
  encodeTime,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  parseCertificate,
  sequence,
  set,
  tlv,
  type DerNode,
} from '#keyway/pki';
import { SecretCertificate, plainName, plainSubjectAltName } from './secret-certificate.js';

const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  type: 'spki',
  format: 'der',
});
const ecdsaWithSha256 = sequence(oid(Oid.ecdsaWithSha256));

type Attribute = [oid: string, value: string, tag?: number];
type San = [tag: number, value: Buffer | string | DerNode];

/** A BMPString: UTF-16 big endian. */
const bmp = (value: string) => Buffer.from(value, 'utf16le').swap16();

function name(rdns: Attribute[][]): DerNode {
  return sequence(
    ...rdns.map((rdn) =>
      set(
        ...rdn.map(([type, value, tag = Tag.UTF8_STRING]) =>
          sequence(oid(type), tlv(tag, tag === Tag.BMP_STRING ? bmp(value) : Buffer.from(value, 'utf8'))),
        ),
      ),
    ),
  );
}

/**
 * A certificate written by hand, so names and SANs can hold what libs/pki's issuer refuses (node
 * and OpenSSL read them all the same; the signature is not checked by either reader).
 */
function certificate(options: {
  subject: Attribute[][];
  issuer?: Attribute[][];
  sans?: San[];
  serial?: bigint;
  notBefore?: Date;
  /** The outer signatureAlgorithm, when it is to differ from the inner one. */
  outerAlgorithm?: DerNode;
}): Buffer {
  const extensions: DerNode[] = [];
  if (options.sans)
    extensions.push(
      sequence(
        oid(Oid.subjectAltName),
        octetString(
          encodeDer(
            sequence(
              ...options.sans.map(([tag, value]) =>
                typeof value === 'string'
                  ? implicitPrimitive(tag, Buffer.from(value, 'latin1'))
                  : Buffer.isBuffer(value)
                    ? implicitPrimitive(tag, value)
                    : explicit(tag, value),
              ),
            ),
          ),
        ),
      ),
    );
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(options.serial ?? 0x1234n),
    ecdsaWithSha256,
    name(options.issuer ?? [[['2.5.4.3', 'issuer']]]),
    sequence(
      encodeTime(options.notBefore ?? new Date('2026-01-02T03:04:05Z')),
      encodeTime(new Date('2027-01-01T00:00:00Z')),
    ),
    name(options.subject),
    spki,
    ...(extensions.length ? [explicit(3, sequence(...extensions))] : []),
  );
  return encodeDer(
    sequence(
      tbs,
      options.outerAlgorithm ?? ecdsaWithSha256,
      bitString(Buffer.from('3006020101020101', 'hex')),
    ),
  );
}

const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const C = '2.5.4.6';
const EMAIL_ATTR = '1.2.840.113549.1.9.1';
const DNS = 2;
const URI = 6;
const EMAIL = 1;
const IP = 7;

/** Node's readings, the way the summary uses them (an empty name is '' on Node 24, undefined on 20). */
function nodeReading(der: Buffer) {
  const x = new X509Certificate(der);
  return {
    subject: x.subject ?? '',
    issuer: x.issuer ?? '',
    subjectAltName: x.subjectAltName,
    serial: x.serialNumber.toLowerCase().replace(/^(00)+/, '') || '0',
    notBefore: new Date(x.validFrom).toISOString(),
  };
}

function ours(der: Buffer) {
  const c = new SecretCertificate(der);
  return {
    subject: c.subject,
    issuer: c.issuer,
    subjectAltName: c.subjectAltName,
    serial: c.serialHex,
    notBefore: c.notBefore.toISOString(),
  };
}

describe("a Secret's certificate reads as node reads it", () => {
  const plain: Array<[string, Parameters<typeof certificate>[0]]> = [
    ['CN only', { subject: [[[CN, 'httpbin.example.com']]], sans: [[DNS, 'httpbin.example.com']] }],
    [
      'the usual attributes',
      {
        subject: [
          [[C, 'US', Tag.PRINTABLE_STRING]],
          [[O, 'httpbin organization']],
          [[OU, 'Team (a/b) 1.0']],
          [[CN, '*.example.com']],
        ],
        sans: [
          [DNS, '*.example.com'],
          [IP, Buffer.from([10, 0, 0, 1])],
          [URI, 'spiffe://cluster.local/ns/default/sa/httpbin'],
          [EMAIL, 'ops@example.com'],
          [DNS, 'example.com'],
        ],
      },
    ],
    ['a BMPString of ASCII', { subject: [[[CN, 'bmp.example.com', Tag.BMP_STRING]]] }],
    ['no SAN extension', { subject: [[[CN, 'x']]] }],
    ['a high serial', { subject: [[[CN, 'x']]], serial: 0xff00ee11223344556677n }],
  ];
  it.each(plain)('%s, by libs/pki', (_what, options) => {
    const der = certificate(options);
    const parsed = parseCertificate(der);
    expect(plainName(parsed.subjectName)).not.toBeNull();
    expect(plainName(parsed.issuerName)).not.toBeNull();
    expect(plainSubjectAltName(parsed)).not.toBeNull();
    expect(ours(der)).toEqual(nodeReading(der));
  });

  const exotic: Array<[string, Parameters<typeof certificate>[0]]> = [
    ['a comma', { subject: [[[CN, 'a, b']]] }],
    ['a plus', { subject: [[[O, 'a+b']]] }],
    ['quotes and a backslash', { subject: [[[CN, 'say "hi" \\ bye']]] }],
    ['a leading space and #', { subject: [[[CN, ' x']], [[O, '#x']]] }],
    ['a trailing space', { subject: [[[CN, 'x ']]] }],
    ['non-ASCII', { subject: [[[CN, 'bücher.example']], [[O, '日本']]] }],
    ['a control character', { subject: [[[CN, 'a\u0001b']]] }],
    [
      'a multi-valued RDN',
      {
        subject: [
          [
            [CN, 'a'],
            [O, 'b'],
          ],
        ],
      },
    ],
    ['an attribute OpenSSL names otherwise', { subject: [[[EMAIL_ATTR, 'a@example.com', Tag.IA5_STRING]]] }],
    ['an empty subject', { subject: [], sans: [[DNS, 'only.example.com']] }],
    ['a SAN with a comma', { subject: [[[CN, 'x']]], sans: [[URI, 'https://a.example/?q=1,2']] }],
    ['a SAN with a quote', { subject: [[[CN, 'x']]], sans: [[DNS, "it's.example"]] }],
    [
      'an IPv6 SAN',
      { subject: [[[CN, 'x']]], sans: [[IP, Buffer.from('fd000000000000000000000000000001', 'hex')]] },
    ],
    [
      'a directoryName SAN',
      {
        subject: [[[CN, 'x']]],
        sans: [
          [DNS, 'a.example'],
          [4, name([[[CN, 'dir']]])],
        ],
      },
    ],
    ['a negative serial', { subject: [[[CN, 'x']]], serial: -5n }],
    ['a serial of zero', { subject: [[[CN, 'x']]], serial: 0n }],
  ];
  it.each(exotic)('%s, by node where libs/pki cannot be sure', (_what, options) => {
    const der = certificate(options);
    expect(ours(der)).toEqual(nodeReading(der));
  });

  it('takes DER libs/pki refuses from node alone', () => {
    // Inner and outer signature algorithms that differ (RFC 5280 4.1.1.2): OpenSSL reads it.
    const der = certificate({
      subject: [[[CN, 'mixed']]],
      sans: [[DNS, 'mixed.example']],
      outerAlgorithm: sequence(oid(Oid.ecdsaWithSha384)),
    });
    expect(() => parseCertificate(der)).toThrow(/differs/);
    expect(ours(der)).toEqual(nodeReading(der));
    expect(() => new SecretCertificate(Buffer.from('3003020101', 'hex'))).toThrow();
  });
});
