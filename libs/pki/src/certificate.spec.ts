import { inspect } from 'node:util';
import { issueCertificate, validateIssueRequest } from './certificate.js';
import { IssuerError, RequestError } from './errors.js';
import { Issuer } from './issuer.js';
import { generateKeyPair } from './keys.js';
import { parseCertificate } from './parsed-certificate.js';
import { DAY, HOUR, hierarchy } from './testing/spec-fixtures.js';
import { verifySignedBy } from './chain.js';

const now = new Date('2030-01-15T10:20:30.456Z');
const h = hierarchy('ecdsa-p256', now);

describe('issueCertificate', () => {
  it('issues a self-signed root CA', () => {
    const root = parseCertificate(h.root.pem);
    expect(root).toMatchObject({
      version: 3,
      subject: 'CN=keyway test root,O=keyway',
      issuer: 'CN=keyway test root,O=keyway',
      isCa: true,
      pathLen: undefined,
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      extKeyUsage: [],
      selfIssued: true,
      signatureAlgorithm: 'ecdsa-with-SHA256',
    });
    expect(root.subjectKeyId).toBe(root.authorityKeyId);
    expect(root.subjectKeyId).toBe(h.root.subjectKeyId);
    expect(verifySignedBy(root, root)).toBe(true);
    expect(root.fingerprintSha256).toBe(h.root.fingerprintSha256);
  });

  it('issues an intermediate with a path length, linked by AKI to the root', () => {
    const inter = parseCertificate(h.intermediate.der);
    expect(inter).toMatchObject({ isCa: true, pathLen: 0, issuer: 'CN=keyway test root,O=keyway' });
    expect(inter.authorityKeyId).toBe(h.root.subjectKeyId);
    expect(verifySignedBy(inter, h.root.pem)).toBe(true);
    expect(verifySignedBy(inter, h.intermediate.pem)).toBe(false);
  });

  it('issues a server certificate with every SAN kind and the validity it was given, to the second', () => {
    const leaf = issueCertificate({
      profile: 'server',
      issuer: h.intermediateIssuer,
      subject: { commonName: 'httpbin.example.com', organization: 'httpbin organization' },
      sans: {
        dns: ['httpbin.example.com', '*.example.com'],
        ip: ['127.0.0.1', '2001:db8::1'],
        uri: ['spiffe://cluster.local/ns/default/sa/httpbin'],
        email: ['ops@example.com'],
      },
      notBefore: now,
      notAfter: new Date(now.getTime() + 90 * DAY),
    });
    const cert = parseCertificate(leaf.pem);
    expect(cert).toMatchObject({
      subject: 'CN=httpbin.example.com,O=httpbin organization',
      issuer: 'CN=keyway test intermediate,O=keyway',
      isCa: false,
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['serverAuth'],
      sans: {
        dns: ['httpbin.example.com', '*.example.com'],
        ip: ['127.0.0.1', '2001:db8::1'],
        uri: ['spiffe://cluster.local/ns/default/sa/httpbin'],
        email: ['ops@example.com'],
      },
      publicKey: { keyType: 'ecdsa-p256', curve: 'P-256', bits: 256 },
    });
    expect(cert.notBefore.toISOString()).toBe('2030-01-15T10:20:30.000Z');
    expect(cert.notAfter.toISOString()).toBe('2030-04-15T10:20:30.000Z');
    expect(leaf.notBefore).toEqual(cert.notBefore);
    expect(cert.serialHex).toBe(leaf.serialHex);
    expect(cert.authorityKeyId).toBe(h.intermediate.subjectKeyId);
    expect(cert.spkiSha256).toBe(cert.publicKey.spkiSha256);
    expect(cert.extensions.find((e) => e.oid === '2.5.29.17')!.critical).toBe(false);
    expect(verifySignedBy(cert, h.intermediateIssuer.certificate)).toBe(true);
  });

  it('uses 16-byte positive random serials, or the serial it is given', () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const c = issueCertificate({
        profile: 'client',
        issuer: h.intermediateIssuer,
        sans: { uri: [`spiffe://t/${i}`] },
        notAfter: new Date(Date.now() + DAY),
      });
      expect(c.serialHex).toMatch(/^[1-7][0-9a-f]{31}$|^0[1-9a-f][0-9a-f]{30}$/);
      expect(parseCertificate(c.der).serialHex).toBe(c.serialHex);
      serials.add(c.serialHex);
    }
    expect(serials.size).toBe(20);
    const fixed = issueCertificate({
      profile: 'client',
      issuer: h.intermediateIssuer,
      sans: { dns: ['a.b'] },
      serialHex: '00:FF:01',
      notAfter: new Date(Date.now() + DAY),
    });
    expect(fixed.serialHex).toBe('ff01');
    expect(parseCertificate(fixed.pem).serialHex).toBe('ff01');
  });

  it('marks the SAN extension critical when the subject is empty', () => {
    const c = parseCertificate(
      issueCertificate({
        profile: 'client',
        issuer: h.intermediateIssuer,
        sans: { uri: ['spiffe://cluster.local/ns/a/sa/b'] },
        notAfter: new Date(Date.now() + DAY),
      }).der,
    );
    expect(c.subject).toBe('');
    expect(c.extKeyUsage).toEqual(['clientAuth']);
    expect(c.extensions.find((e) => e.oid === '2.5.29.17')!.critical).toBe(true);
  });

  it('gives server-client both purposes and RSA leaves keyEncipherment', () => {
    const c = parseCertificate(
      issueCertificate({
        profile: 'server-client',
        issuer: h.intermediateIssuer,
        sans: { dns: ['x.example'] },
        keyType: 'rsa-2048',
        notAfter: new Date(Date.now() + DAY),
      }).der,
    );
    expect(c.extKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.publicKey.keyType).toBe('rsa-2048');
    expect(c.signatureAlgorithm).toBe('ecdsa-with-SHA256');
  });

  it('signs with the algorithm of the issuer key: SHA-384 for P-384, SHA-256 with RSA', () => {
    const p384 = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'p384' },
      keyType: 'ecdsa-p384',
      notAfter: new Date(Date.now() + DAY),
    });
    expect(parseCertificate(p384.der).signatureAlgorithm).toBe('ecdsa-with-SHA384');
    const rsa = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'rsa' },
      keyType: 'rsa-2048',
      notAfter: new Date(Date.now() + DAY),
    });
    const rsaIssuer = Issuer.from({ certificate: rsa.pem, privateKey: rsa.keyPair!.privateKeyPem });
    const leaf = issueCertificate({
      profile: 'server',
      issuer: rsaIssuer,
      sans: { dns: ['r.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    const parsed = parseCertificate(leaf.der);
    expect(parsed.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(verifySignedBy(parsed, rsa.der)).toBe(true);
  });

  it('writes GeneralizedTime for validity beyond 2049', () => {
    const c = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'long' },
      notAfter: new Date('2060-05-06T07:08:09Z'),
    });
    expect(c.der.includes(Buffer.from('20600506070809Z'))).toBe(true);
    expect(parseCertificate(c.der).notAfter.toISOString()).toBe('2060-05-06T07:08:09.000Z');
  });

  it('certifies a given public key (SPKI DER or KeyObject) and reuses a given key pair', () => {
    const pair = generateKeyPair();
    const fromSpki = issueCertificate({
      profile: 'server',
      issuer: h.intermediateIssuer,
      publicKey: pair.spkiDer,
      sans: { dns: ['k.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    expect(fromSpki.keyPair).toBeUndefined();
    expect(parseCertificate(fromSpki.der).spkiDer.equals(pair.spkiDer)).toBe(true);
    const fromKey = issueCertificate({
      profile: 'server',
      issuer: h.intermediateIssuer,
      publicKey: pair.publicKey,
      sans: { dns: ['k.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    expect(parseCertificate(fromKey.der).spkiSha256).toBe(parseCertificate(fromSpki.der).spkiSha256);
    const self = issueCertificate({
      profile: 'server',
      keyPair: pair,
      sans: { dns: ['self.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    expect(self.keyPair).toBe(pair);
    expect(verifySignedBy(self.der, pair.publicKey)).toBe(true);
  });

  it('accepts an IssuerInput (certificate + key) as well as a prepared Issuer', () => {
    const c = issueCertificate({
      profile: 'server',
      issuer: { certificate: h.intermediate.pem, privateKey: h.intermediate.keyPair!.privateKeyPem },
      sans: { dns: ['i.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    expect(verifySignedBy(c.der, h.intermediate.pem)).toBe(true);
  });

  it('reports every invalid field and throws a RequestError listing them', () => {
    const request = {
      profile: 'server' as const,
      sans: { dns: ['bad_name', '-x.example'], ip: ['10.0.0.256'], uri: ['not a uri'] },
      notBefore: now,
      notAfter: new Date(now.getTime() - HOUR),
      pathLen: 1,
      serialHex: 'zz',
      issuer: h.intermediateIssuer,
    };
    expect(validateIssueRequest(request)).toEqual([
      { field: 'sans.dns[0]', message: '"bad_name": not a valid DNS name' },
      { field: 'sans.dns[1]', message: '"-x.example": not a valid DNS name' },
      { field: 'sans.ip[0]', message: '"10.0.0.256": not an IPv4 or IPv6 address' },
      { field: 'sans.uri[0]', message: '"not a uri": not an absolute URI' },
      { field: 'notAfter', message: 'must be after notBefore' },
      { field: 'pathLen', message: 'only CA certificates carry a path length' },
      { field: 'serialHex', message: 'must be hexadecimal' },
    ]);
    expect(() => issueCertificate(request)).toThrow(RequestError);
    expect(() => issueCertificate(request)).toThrow(
      /^issue certificate: sans\.dns\[0\]: "bad_name": not a valid DNS name; /,
    );
    expect(
      validateIssueRequest({
        profile: 'client',
        notAfter: new Date(Date.now() + DAY),
        issuer: h.intermediateIssuer,
      }),
    ).toEqual([{ field: 'subject', message: 'needs a subject or at least one SAN' }]);
    expect(
      validateIssueRequest({
        profile: 'intermediate-ca',
        subject: { commonName: 'x' },
        notAfter: new Date(Date.now() + DAY),
      }),
    ).toEqual([{ field: 'issuer', message: 'an intermediate CA needs an issuer' }]);
    expect(
      validateIssueRequest({
        profile: 'server',
        sans: { dns: ['a.b'] },
        publicKey: generateKeyPair().publicKey,
        notAfter: new Date(Date.now() + DAY),
      }),
    ).toEqual([
      { field: 'publicKey', message: 'a self-signed certificate needs a keyPair (the subject signs itself)' },
    ]);
  });
});

describe('Issuer', () => {
  it('refuses a non-CA certificate and a key that is not the certificate key', () => {
    const leaf = issueCertificate({
      profile: 'server',
      issuer: h.intermediateIssuer,
      sans: { dns: ['a.example'] },
      notAfter: new Date(Date.now() + DAY),
    });
    expect(() => Issuer.from({ certificate: leaf.pem, privateKey: leaf.keyPair!.privateKeyPem })).toThrow(
      IssuerError,
    );
    expect(() => Issuer.from({ certificate: leaf.pem, privateKey: leaf.keyPair!.privateKeyPem })).toThrow(
      /certificate is not a CA/,
    );
    expect(() =>
      Issuer.from({ certificate: h.root.pem, privateKey: h.intermediate.keyPair!.privateKeyPem }),
    ).toThrow("issuer CN=keyway test root,O=keyway: private key does not match the certificate's public key");
  });

  it('shows only its subject and fingerprint', () => {
    const text = `${inspect(h.rootIssuer)} ${JSON.stringify(h.rootIssuer)} ${JSON.stringify({ i: h.rootIssuer })}`;
    expect(text).not.toMatch(/PRIVATE KEY|"d":/);
    expect(JSON.parse(JSON.stringify(h.rootIssuer))).toEqual({
      subject: 'CN=keyway test root,O=keyway',
      fingerprintSha256: h.root.fingerprintSha256,
    });
  });
});
