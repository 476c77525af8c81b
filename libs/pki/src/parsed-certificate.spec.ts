import { issueCertificate } from './certificate.js';
import { DerError, PemError } from './errors.js';
import { encodePem } from './pem.js';
import { parseCertificate } from './parsed-certificate.js';
import { DAY, hierarchy } from './testing/spec-fixtures.js';

const h = hierarchy();
const leaf = issueCertificate({
  profile: 'server',
  issuer: h.intermediateIssuer,
  subject: { commonName: 'p.example' },
  sans: { dns: ['p.example'] },
  notAfter: new Date(Date.now() + DAY),
});

describe('parseCertificate', () => {
  it('reads the first certificate of a PEM bundle, and DER', () => {
    expect(parseCertificate(leaf.pem + h.intermediate.pem).subject).toBe('CN=p.example');
    expect(parseCertificate(leaf.der).fingerprintSha256).toBe(leaf.fingerprintSha256);
    expect(parseCertificate(new Uint8Array(leaf.der)).serialHex).toBe(leaf.serialHex);
  });

  it('copies its input, so changing the caller buffer later changes nothing', () => {
    const input = Buffer.from(leaf.der);
    const parsed = parseCertificate(input);
    input.fill(0);
    expect(parsed.tbsDer.every((b) => b === 0)).toBe(false);
  });

  it('rejects truncated, padded and inconsistent encodings with a DerError', () => {
    expect(() => parseCertificate(leaf.der.subarray(0, leaf.der.length - 1))).toThrow(DerError);
    expect(() => parseCertificate(Buffer.concat([leaf.der, Buffer.from([0])]))).toThrow(/trailing data/);
    // Swap the TBS signature algorithm (ecdsa-with-SHA256 -> SHA384) without touching the outer one.
    const altered = Buffer.from(leaf.der);
    const alg = Buffer.from('06082a8648ce3d040302', 'hex');
    altered[altered.indexOf(alg) + alg.length - 1] = 0x03;
    expect(() => parseCertificate(altered)).toThrow(
      'der: certificate: tbsCertificate.signature differs from signatureAlgorithm (RFC 5280 4.1.1.2)',
    );
    expect(() => parseCertificate(encodePem('X509 CRL', leaf.der))).toThrow(PemError);
  });
});
