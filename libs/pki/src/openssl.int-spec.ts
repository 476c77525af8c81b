// Interop: what this library issues is accepted by OpenSSL and by node:tls, and what OpenSSL issues is
// read correctly by this library. Keys only ever go to temp files and TLS contexts, never to output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { PrivateKeyPem } from '#keyway/key-material';
import {
  Issuer,
  createCrl,
  createCsr,
  generateKeyPair,
  issueCertificate,
  normalizeSerialHex,
  parseCertificate,
  parseCsr,
  verifyChain,
  verifySignedBy,
  type IssueResult,
  type KeyType,
} from './index.js';
import { DAY, HOUR, hierarchy, type Hierarchy } from './testing/spec-fixtures.js';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyway-pki-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content, { mode: 0o600 });
  return p;
}

/** Runs the openssl CLI; output is returned for assertions (no command here prints a private key). */
function openssl(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function expectOk(result: { status: number | null; out: string }): string {
  if (result.status !== 0) throw new Error(`openssl failed (${result.status}): ${result.out}`);
  return result.out;
}

function leafOf(
  h: Hierarchy,
  profile: 'server' | 'client',
  cn: string,
  keyType: KeyType = 'ecdsa-p256',
): IssueResult {
  return issueCertificate({
    profile,
    issuer: h.intermediateIssuer,
    subject: { commonName: cn, organization: 'keyway' },
    sans:
      profile === 'server'
        ? { dns: ['localhost', cn], ip: ['127.0.0.1', '::1'] }
        : { uri: [`spiffe://cluster.local/ns/default/sa/${cn}`] },
    keyType,
    notBefore: new Date(Date.now() - HOUR),
    notAfter: new Date(Date.now() + 30 * DAY),
  });
}

describe('OpenSSL accepts what keyway issues', () => {
  it.each(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'] as const)(
    'verifies root -> intermediate -> server and client chains (%s, -x509_strict)',
    (keyType) => {
      const h = hierarchy(keyType);
      const root = file(`root-${keyType}.pem`, h.root.pem);
      const inter = file(`inter-${keyType}.pem`, h.intermediate.pem);
      const server = file(`server-${keyType}.pem`, leafOf(h, 'server', 'httpbin.example.com', keyType).pem);
      const client = file(`client-${keyType}.pem`, leafOf(h, 'client', 'sleep', keyType).pem);
      expect(
        expectOk(
          openssl(
            'verify',
            '-x509_strict',
            '-purpose',
            'sslserver',
            '-CAfile',
            root,
            '-untrusted',
            inter,
            server,
          ),
        ),
      ).toBe(`${server}: OK\n`);
      expect(
        expectOk(
          openssl(
            'verify',
            '-x509_strict',
            '-purpose',
            'sslclient',
            '-CAfile',
            root,
            '-untrusted',
            inter,
            client,
          ),
        ),
      ).toBe(`${client}: OK\n`);
      // And refuses the wrong purpose, so the EKU really is what decides.
      expect(
        openssl('verify', '-purpose', 'sslserver', '-CAfile', root, '-untrusted', inter, client).status,
      ).not.toBe(0);
    },
  );

  it('prints every extension the way keyway meant it', () => {
    const h = hierarchy();
    const leaf = issueCertificate({
      profile: 'server-client',
      issuer: h.intermediateIssuer,
      sans: {
        dns: ['httpbin.example.com'],
        ip: ['127.0.0.1', '2001:db8::1'],
        uri: ['spiffe://cluster.local/ns/default/sa/httpbin'],
        email: ['ops@example.com'],
      },
      notAfter: new Date(Date.now() + DAY),
    });
    const text = expectOk(openssl('x509', '-in', file('ext.pem', leaf.pem), '-noout', '-text'));
    expect(text).toContain('X509v3 Basic Constraints: critical\n                CA:FALSE');
    expect(text).toContain('X509v3 Key Usage: critical\n                Digital Signature');
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain('X509v3 Subject Alternative Name: critical');
    expect(text).toContain(
      'DNS:httpbin.example.com, IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, URI:spiffe://cluster.local/ns/default/sa/httpbin, email:ops@example.com',
    );
    expect(text).toContain(`Serial Number:\n            ${leaf.serialHex.match(/../g)!.join(':')}`);
    const inter = expectOk(
      openssl('x509', '-in', file('inter-text.pem', h.intermediate.pem), '-noout', '-text'),
    );
    expect(inter).toContain('CA:TRUE, pathlen:0');
    expect(inter).toContain('Digital Signature, Certificate Sign, CRL Sign');
    expect(
      expectOk(openssl('x509', '-in', file('fp.pem', leaf.pem), '-noout', '-fingerprint', '-sha256')).trim(),
    ).toBe(`sha256 Fingerprint=${leaf.fingerprintSha256.toUpperCase().match(/../g)!.join(':')}`);
  });

  it('accepts keyway CSRs (openssl req -verify)', () => {
    for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
      const csr = file(
        `req-${keyType}.pem`,
        createCsr({
          subject: { commonName: 'csr.example', organization: 'keyway' },
          sans: { dns: ['csr.example'], ip: ['10.0.0.1'] },
          keyPair: generateKeyPair(keyType),
        }),
      );
      const out = expectOk(openssl('req', '-in', csr, '-noout', '-verify', '-text'));
      expect(out).toMatch(/verify OK/);
      expect(out).toContain('DNS:csr.example, IP Address:10.0.0.1');
      expect(out).toMatch(/Subject: O ?= ?keyway, CN ?= ?csr.example/);
    }
  });

  it('accepts keyway CRLs (openssl crl -verify -CAfile) and reads their entries', () => {
    const h = hierarchy();
    const crl = file(
      'inter.crl.pem',
      createCrl({
        issuer: h.intermediateIssuer,
        revoked: [
          { serialHex: '1a2b3c', revokedAt: new Date(Date.now() - HOUR), reason: 'keyCompromise' },
          { serialHex: '4d5e', revokedAt: new Date(Date.now() - HOUR) },
        ],
        nextUpdate: new Date(Date.now() + DAY),
        crlNumber: 7,
      }),
    );
    const out = expectOk(
      openssl(
        'crl',
        '-in',
        crl,
        '-CAfile',
        file('crl-ca.pem', h.intermediate.pem),
        '-noout',
        '-verify',
        '-text',
      ),
    );
    expect(out).toMatch(/verify OK/);
    expect(out).toMatch(/X509v3 CRL Number:\s+7/);
    expect(out).toMatch(/Serial Number: 1A2B3C[\s\S]*Key Compromise[\s\S]*Serial Number: 4D5E/);
    expect(
      openssl('crl', '-in', crl, '-CAfile', file('crl-wrong-ca.pem', h.root.pem), '-noout', '-verify').out,
    ).not.toMatch(/verify OK/);
  });
});

describe('node:tls with keyway certificates', () => {
  const h = hierarchy();
  const server = leafOf(h, 'server', 'httpbin.example.com');
  const goodClient = leafOf(h, 'client', 'good');
  const revokedClient = leafOf(h, 'client', 'revoked');
  const opened: tls.Server[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  function startServer(
    crl?: string[],
    rejectUnauthorized = true,
  ): Promise<{ server: tls.Server; port: number; events: EventLog }> {
    const events = new EventLog();
    const s = tls.createServer({
      key: server.keyPair!.privateKeyPem.reveal(),
      cert: server.pem + h.intermediate.pem,
      ca: h.root.pem,
      crl,
      requestCert: true,
      rejectUnauthorized,
    });
    s.on('secureConnection', (socket) => {
      const subject = String(socket.getPeerCertificate().subject?.CN ?? '');
      events.push({
        kind: 'accepted',
        subject,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError?.toString(),
      });
      socket.end(socket.authorized ? 'hello' : '');
    });
    s.on('tlsClientError', (err) => events.push({ kind: 'refused', message: err.message }));
    opened.push(s);
    return new Promise((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve({ server: s, port: (s.address() as AddressInfo).port, events })),
    );
  }

  function connect(
    port: number,
    client: IssueResult,
  ): Promise<{ authorized: boolean; data: string; error?: string }> {
    return new Promise((resolve) => {
      let data = '';
      let authorized = false;
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        key: client.keyPair!.privateKeyPem.reveal(),
        cert: client.pem + h.intermediate.pem,
        ca: h.root.pem,
      });
      socket.on('secureConnect', () => (authorized = socket.authorized));
      socket.on('data', (d) => (data += d.toString()));
      socket.on('error', (err) => resolve({ authorized, data, error: err.message }));
      socket.on('close', () => resolve({ authorized, data }));
    });
  }

  it('completes an mTLS handshake on 127.0.0.1 both ways', async () => {
    const { port, events } = await startServer();
    const result = await connect(port, goodClient);
    expect(result).toEqual({ authorized: true, data: 'hello' });
    expect(await events.waitFor('accepted')).toEqual({
      kind: 'accepted',
      subject: 'good',
      authorized: true,
      authorizationError: undefined,
    });
  });

  it('refuses a revoked client certificate when the server holds the CRLs', async () => {
    const now = Date.now();
    const interCrl = createCrl({
      issuer: h.intermediateIssuer,
      revoked: [
        { serialHex: revokedClient.serialHex, revokedAt: new Date(now - HOUR), reason: 'keyCompromise' },
      ],
      thisUpdate: new Date(now - HOUR),
      nextUpdate: new Date(now + DAY),
      crlNumber: 1,
    });
    // node:tls checks CRLs for the whole chain, so the root publishes its (empty) CRL too.
    const rootCrl = createCrl({
      issuer: h.rootIssuer,
      revoked: [],
      thisUpdate: new Date(now - HOUR),
      nextUpdate: new Date(now + DAY),
      crlNumber: 1,
    });
    const { port, events } = await startServer([interCrl, rootCrl]);

    const refused = await connect(port, revokedClient);
    expect(refused.data).toBe('');
    // The server accepts nothing for the revoked client: the first accepted connection is the good one.
    const accepted = await connect(port, goodClient);
    expect(accepted).toEqual({ authorized: true, data: 'hello' });
    expect(await events.waitFor('accepted')).toEqual({
      kind: 'accepted',
      subject: 'good',
      authorized: true,
      authorizationError: undefined,
    });

    // Why it refused: a server that reports instead of rejecting names the revocation.
    const observer = await startServer([interCrl, rootCrl], false);
    await connect(observer.port, revokedClient);
    expect(await observer.events.waitFor('accepted')).toEqual({
      kind: 'accepted',
      subject: 'revoked',
      authorized: false,
      authorizationError: 'CERT_REVOKED',
    });
    // Without the CRL the same certificate is accepted, so the CRL is what refuses it.
    const noCrl = await startServer();
    expect(await connect(noCrl.port, revokedClient)).toEqual({ authorized: true, data: 'hello' });
  });
});

type TlsEvent =
  | { kind: 'accepted'; subject: string; authorized: boolean; authorizationError?: string }
  | { kind: 'refused'; message: string };

/** Server-side events, awaited with a deadline instead of sleeps. */
class EventLog {
  readonly #events: TlsEvent[] = [];
  readonly #waiters: Array<() => void> = [];

  push(event: TlsEvent): void {
    this.#events.push(event);
    this.#waiters.splice(0).forEach((w) => w());
  }

  waitFor(kind: TlsEvent['kind'], timeoutMs = 10_000): Promise<TlsEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} event within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        const i = this.#events.findIndex((e) => e.kind === kind);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(this.#events.splice(i, 1)[0]);
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }
}

describe('keyway reads what OpenSSL issues', () => {
  let rootPem: string;
  let leafPem: string;
  let rootKeyPath: string;

  beforeAll(() => {
    rootKeyPath = path.join(dir, 'foreign-root.key');
    expectOk(
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        rootKeyPath,
        '-out',
        'foreign-root.pem',
        '-days',
        '30',
        '-sha256',
        '-subj',
        '/C=DE/O=Foreign Org/CN=foreign root',
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:1',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ),
    );
    expectOk(
      openssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'foreign-leaf.key',
        '-out',
        'foreign-leaf.csr',
        '-subj',
        '/O=Foreign Org/OU=web/CN=foreign.example',
      ),
    );
    file(
      'foreign-leaf.ext',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth,clientAuth',
        'subjectAltName=DNS:foreign.example,DNS:*.foreign.example,IP:10.0.0.1,IP:fe80::1,URI:spiffe://foreign/ns/x/sa/y,email:ops@foreign.example',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
      ].join('\n'),
    );
    expectOk(
      openssl(
        'x509',
        '-req',
        '-in',
        'foreign-leaf.csr',
        '-CA',
        'foreign-root.pem',
        '-CAkey',
        rootKeyPath,
        '-CAcreateserial',
        '-out',
        'foreign-leaf.pem',
        '-days',
        '10',
        '-sha384',
        '-extfile',
        'foreign-leaf.ext',
      ),
    );
    rootPem = readFileSync(path.join(dir, 'foreign-root.pem'), 'utf8');
    leafPem = readFileSync(path.join(dir, 'foreign-leaf.pem'), 'utf8');
  });

  function opensslField(pemFile: string, ...flags: string[]): string {
    return expectOk(openssl('x509', '-in', pemFile, '-noout', '-nameopt', 'RFC2253', ...flags)).trim();
  }

  it('parses an OpenSSL root and leaf to the same facts OpenSSL reports', () => {
    const root = parseCertificate(rootPem);
    const leaf = parseCertificate(leafPem);
    for (const [cert, pemFile] of [
      [root, 'foreign-root.pem'],
      [leaf, 'foreign-leaf.pem'],
    ] as const) {
      expect(`subject=${cert.subject}`).toBe(opensslField(pemFile, '-subject'));
      expect(`issuer=${cert.issuer}`).toBe(opensslField(pemFile, '-issuer'));
      expect(cert.serialHex).toBe(
        normalizeSerialHex(opensslField(pemFile, '-serial').replace('serial=', '')),
      );
      expect(cert.fingerprintSha256).toBe(
        opensslField(pemFile, '-fingerprint', '-sha256')
          .replace('sha256 Fingerprint=', '')
          .replace(/:/g, '')
          .toLowerCase(),
      );
      expect(cert.notAfter.getTime()).toBe(
        new Date(opensslField(pemFile, '-enddate').replace('notAfter=', '')).getTime(),
      );
    }
    expect(root).toMatchObject({
      subject: 'CN=foreign root,O=Foreign Org,C=DE',
      isCa: true,
      pathLen: 1,
      keyUsage: ['keyCertSign', 'cRLSign'],
      selfIssued: true,
    });
    expect(root.publicKey).toMatchObject({ keyType: 'rsa-2048', bits: 2048 });
    expect(root.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(leaf).toMatchObject({
      subject: 'CN=foreign.example,OU=web,O=Foreign Org',
      isCa: false,
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['serverAuth', 'clientAuth'],
      signatureAlgorithm: 'sha384WithRSAEncryption',
      sans: {
        dns: ['foreign.example', '*.foreign.example'],
        ip: ['10.0.0.1', 'fe80::1'],
        uri: ['spiffe://foreign/ns/x/sa/y'],
        email: ['ops@foreign.example'],
      },
      authorityKeyId: root.subjectKeyId,
    });
    expect(leaf.publicKey).toMatchObject({ keyType: 'ecdsa-p256', curve: 'P-256' });
    const pubkeyDer = spawnSync('openssl', ['x509', '-in', 'foreign-leaf.pem', '-noout', '-pubkey'], {
      cwd: dir,
      encoding: 'utf8',
    }).stdout;
    expect(leaf.spkiDer.equals(Buffer.from(pubkeyDer.replace(/-----[^-]+-----|\s/g, ''), 'base64'))).toBe(
      true,
    );
    expect(verifySignedBy(leaf, root)).toBe(true);
    expect(verifyChain(leafPem, [], [rootPem])).toEqual([]);
  });

  it('reads an OpenSSL CSR and issues from an OpenSSL CA key that OpenSSL then verifies', () => {
    const csr = parseCsr(readFileSync(path.join(dir, 'foreign-leaf.csr'), 'utf8'));
    expect(csr).toMatchObject({
      subject: 'CN=foreign.example,OU=web,O=Foreign Org',
      signatureValid: true,
      publicKey: { keyType: 'ecdsa-p256' },
    });
    const issuer = Issuer.from({
      certificate: rootPem,
      privateKey: new PrivateKeyPem(readFileSync(rootKeyPath, 'utf8')),
    });
    const cert = issueCertificate({
      profile: 'server',
      issuer,
      subject: csr.subjectName.rdns.flat(),
      sans: { dns: ['foreign.example'] },
      publicKey: csr.spkiDer,
      notAfter: new Date(Date.now() + DAY),
    });
    const out = file('from-foreign-ca.pem', cert.pem);
    expect(expectOk(openssl('verify', '-x509_strict', '-CAfile', 'foreign-root.pem', out))).toBe(
      `${out}: OK\n`,
    );
  });

  it('verifies Ed25519 and RSASSA-PSS signatures made by OpenSSL', () => {
    expectOk(
      openssl(
        'req',
        '-x509',
        '-newkey',
        'ed25519',
        '-nodes',
        '-keyout',
        'ed.key',
        '-out',
        'ed.pem',
        '-days',
        '1',
        '-subj',
        '/CN=ed25519 root',
      ),
    );
    const ed = parseCertificate(readFileSync(path.join(dir, 'ed.pem'), 'utf8'));
    expect(ed).toMatchObject({ signatureAlgorithm: 'Ed25519', publicKey: { keyType: 'ed25519' } });
    expect(verifySignedBy(ed, ed)).toBe(true);

    expectOk(
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'pss.key',
        '-out',
        'pss.pem',
        '-days',
        '1',
        '-subj',
        '/CN=pss root',
        '-sha256',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        'rsa_pss_saltlen:32',
      ),
    );
    const pss = parseCertificate(readFileSync(path.join(dir, 'pss.pem'), 'utf8'));
    expect(pss.signatureAlgorithm).toBe('RSASSA-PSS');
    expect(verifySignedBy(pss, pss)).toBe(true);
    expect(verifySignedBy(pss, ed)).toBe(false);
  });
});
