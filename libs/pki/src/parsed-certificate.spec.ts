import { execSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueCertificate } from './certificate.js';
import { DerError, PemError } from './errors.js';
import { encodePem } from './pem.js';
import { certificateSpkiDer, parseCertificate } from './parsed-certificate.js';
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

describe('certificateSpkiDer', () => {
  // openssl makes the v1 certificate (no version field) and the key types keyway does not issue.
  const openssl = (keyArgs: string, v1 = false): Buffer => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spki-'));
    const key = `-newkey ${keyArgs} -nodes -keyout ${dir}/k.pem -subj /CN=s`;
    // `x509 -req` without extensions writes a version 1 certificate.
    execSync(
      v1
        ? `openssl req -new ${key} -out ${dir}/r.pem && openssl x509 -req -in ${dir}/r.pem -key ${dir}/k.pem -days 1 -out ${dir}/c.pem`
        : `openssl req -x509 ${key} -days 1 -out ${dir}/c.pem`,
      { stdio: 'ignore' },
    );
    const der = new X509Certificate(readFileSync(`${dir}/c.pem`)).raw;
    rmSync(dir, { recursive: true });
    return der;
  };
  it.each([
    ['ECDSA P-256 leaf', () => leaf.der],
    ['the intermediate', () => h.intermediate.der],
    ['RSA 2048', () => openssl('rsa:2048')],
    ['Ed25519', () => openssl('ed25519')],
    [
      'a version 1 certificate (no version field)',
      () => openssl('ec -pkeyopt ec_paramgen_curve:P-384', true),
    ],
  ])('%s: the same bytes node exports', (_, der) => {
    const bytes = der();
    expect(certificateSpkiDer(bytes)).toEqual(
      new X509Certificate(bytes).publicKey.export({ type: 'spki', format: 'der' }),
    );
  });
  it('refuses a truncated certificate with a DerError', () => {
    expect(() => certificateSpkiDer(leaf.der.subarray(0, 60))).toThrow(DerError);
  });
});
