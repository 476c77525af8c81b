import { issueCertificate } from './certificate.js';
import { createCsr, parseCsr, validateCsrRequest } from './csr.js';
import { decodePem, encodePem } from './pem.js';
import { RequestError } from './errors.js';
import { generateKeyPair } from './keys.js';
import { parseCertificate } from './parsed-certificate.js';
import { DAY, hierarchy } from './testing/spec-fixtures.js';

describe('PKCS#10 CSR', () => {
  it('round-trips subject, SANs and key, with a valid self-signature', () => {
    const pair = generateKeyPair();
    const pem = createCsr({
      subject: { commonName: 'httpbin.example.com', organization: 'httpbin organization' },
      sans: {
        dns: ['httpbin.example.com'],
        ip: ['10.1.2.3'],
        uri: ['spiffe://cluster.local/ns/default/sa/httpbin'],
      },
      keyPair: pair,
    });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const csr = parseCsr(pem);
    expect(csr).toMatchObject({
      subject: 'CN=httpbin.example.com,O=httpbin organization',
      sans: {
        dns: ['httpbin.example.com'],
        ip: ['10.1.2.3'],
        uri: ['spiffe://cluster.local/ns/default/sa/httpbin'],
        email: [],
      },
      publicKey: { keyType: 'ecdsa-p256' },
      signatureValid: true,
      signatureAlgorithm: 'ecdsa-with-SHA256',
    });
    expect(csr.spkiDer.equals(pair.spkiDer)).toBe(true);
  });

  it('works with an RSA key given as PEM and without SANs', () => {
    const pair = generateKeyPair('rsa-2048');
    const csr = parseCsr(
      createCsr({ subject: { commonName: 'rsa client' }, keyPair: { privateKey: pair.privateKeyPem } }),
    );
    expect(csr).toMatchObject({
      subject: 'CN=rsa client',
      signatureValid: true,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      requestedExtensions: [],
    });
    expect(csr.sans.dns).toEqual([]);
  });

  it('detects a request whose content was altered after signing', () => {
    const der = decodePem(
      createCsr({ subject: { commonName: 'original.example' }, keyPair: generateKeyPair() }),
      'CERTIFICATE REQUEST',
    );
    const at = der.indexOf(Buffer.from('original'));
    der[at] = 'X'.charCodeAt(0);
    const csr = parseCsr(encodePem('CERTIFICATE REQUEST', der));
    expect(csr.subject).toBe('CN=Xriginal.example');
    expect(csr.signatureValid).toBe(false);
  });

  it('feeds issueCertificate: the CA certifies the requested key', () => {
    const h = hierarchy();
    const pair = generateKeyPair();
    const csr = parseCsr(createCsr({ sans: { dns: ['from-csr.example'] }, keyPair: pair }));
    const cert = issueCertificate({
      profile: 'server',
      issuer: h.intermediateIssuer,
      subject: csr.subjectName.rdns.flat(),
      sans: csr.sans,
      publicKey: csr.spkiDer,
      notAfter: new Date(Date.now() + DAY),
    });
    const parsed = parseCertificate(cert.der);
    expect(parsed.spkiSha256).toBe(csr.publicKey.spkiSha256);
    expect(parsed.sans.dns).toEqual(['from-csr.example']);
    expect(parsed.subject).toBe('');
  });

  it('validates before signing', () => {
    expect(validateCsrRequest({ sans: { dns: ['a..b'] }, keyPair: generateKeyPair() })).toEqual([
      { field: 'sans.dns[0]', message: '"a..b": not a valid DNS name' },
    ]);
    expect(() => createCsr({ keyPair: generateKeyPair() })).toThrow(RequestError);
  });
});
