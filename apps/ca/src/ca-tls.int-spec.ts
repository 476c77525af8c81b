import fs from 'node:fs';
import path from 'node:path';
import { walkthroughLayout } from '#keyway/ca-policy';
import { PrivateKeyPem } from '#keyway/key-material';
import { createCsr, generateKeyPair, parseCrl } from '#keyway/pki';
import {
  alice,
  curl,
  httpsGet,
  openIssuedKey,
  openssl,
  startCaFixture,
  startHttpsServer,
  tempDir,
  type CaFixture,
} from './testing/ca-test-fixture.js';

// Issued certificates against the real tools: openssl verify, node:tls, curl, mTLS and CRLs.
let f: CaFixture;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  f = await startCaFixture();
  tmp = tempDir();
});

afterAll(async () => {
  tmp.remove();
  await f.close();
});

const issue = (
  host: string,
  usage: 'server' | 'client',
  keyType: 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' = 'ecdsa-p256',
) =>
  f.core.issuance.issue({
    schemaVersion: 1,
    issuer: 'payments-int',
    commonName: host,
    sans: { dns: [host], ip: [], uri: [] },
    keyType,
    usage,
    actor: alice,
  });

describe('issued certificates in real TLS', () => {
  it.each(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'] as const)(
    '%s server certificate verifies with openssl and serves node:tls and curl',
    async (keyType) => {
      const server = await issue('httpbin.example.com', 'server', keyType);
      const key = openIssuedKey(f.dataKeys, server);
      const root = tmp.write(`${keyType}/root.pem`, server.caBundlePem);
      const chain = tmp.write(`${keyType}/chain.pem`, server.chainPem);
      const leaf = tmp.write(`${keyType}/leaf.pem`, server.certificatePem);
      expect(
        openssl(['verify', '-CAfile', root, '-untrusted', chain, '-purpose', 'sslserver', leaf]),
      ).toEqual({
        status: 0,
        output: `${leaf}: OK\n`,
      });

      const https = await startHttpsServer({
        key: key.reveal(),
        cert: server.certificatePem + server.chainPem,
      });
      try {
        expect(
          await httpsGet({ port: https.port, servername: 'httpbin.example.com', ca: server.caBundlePem }),
        ).toEqual({
          status: 200,
          body: 'ok -\n',
        });
        // A name not in the certificate fails hostname verification.
        const wrong = await httpsGet({
          port: https.port,
          servername: 'other.example.com',
          ca: server.caBundlePem,
        });
        expect(wrong).toMatchObject({ error: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') });
        const c = await curl([
          '--cacert',
          root,
          '--resolve',
          `httpbin.example.com:${https.port}:127.0.0.1`,
          `https://httpbin.example.com:${https.port}/`,
        ]);
        expect(c).toEqual({ status: 0, output: 'ok -\n' });
      } finally {
        await https.close();
      }
    },
  );

  it('client certificates pass mTLS (node:tls and curl); a server certificate cannot act as a client', async () => {
    const server = await issue('httpbin.example.com', 'server');
    const client = await issue('client.example.com', 'client');
    const clientKey = openIssuedKey(f.dataKeys, client);
    const caChain = client.chainPem + client.caBundlePem;
    const https = await startHttpsServer({
      key: openIssuedKey(f.dataKeys, server).reveal(),
      cert: server.certificatePem + server.chainPem,
      ca: caChain,
    });
    try {
      const ok = await httpsGet({
        port: https.port,
        servername: 'httpbin.example.com',
        ca: server.caBundlePem,
        key: clientKey.reveal(),
        cert: client.certificatePem + client.chainPem,
      });
      expect(ok).toEqual({ status: 200, body: 'ok client.example.com\n' });
      expect(
        'status' in
          (await httpsGet({ port: https.port, servername: 'httpbin.example.com', ca: server.caBundlePem })),
      ).toBe(false);

      const dir = 'mtls';
      const args = (cert: string, key: string) => [
        '--cacert',
        tmp.write(`${dir}/root.pem`, server.caBundlePem),
        '--cert',
        tmp.write(
          `${dir}/${cert}`,
          cert.startsWith('client')
            ? client.certificatePem + client.chainPem
            : server.certificatePem + server.chainPem,
        ),
        '--key',
        tmp.write(
          `${dir}/${key}`,
          key.startsWith('client') ? clientKey.reveal() : openIssuedKey(f.dataKeys, server).reveal(),
        ),
        '--resolve',
        `httpbin.example.com:${https.port}:127.0.0.1`,
        `https://httpbin.example.com:${https.port}/`,
      ];
      expect(await curl(args('client.pem', 'client.key'))).toEqual({
        status: 0,
        output: 'ok client.example.com\n',
      });
      // serverAuth-only EKU: OpenSSL's ssl_client purpose check refuses it as a client certificate.
      expect((await curl(args('server.pem', 'server.key'))).status).not.toBe(0);
    } finally {
      await https.close();
    }
  });

  it('signs a CSR whose key stays with the requester, and the result serves TLS', async () => {
    const pair = generateKeyPair('ecdsa-p256');
    const csrPem = createCsr({
      subject: { commonName: 'api.example.com' },
      sans: { dns: ['api.example.com'], ip: ['127.0.0.1'] },
      keyPair: pair,
    });
    const signed = await f.core.issuance.sign({
      schemaVersion: 1,
      issuer: 'payments-int',
      csrPem,
      usage: 'server',
      actor: alice,
    });
    expect(signed.sealedPrivateKey).toBeUndefined();
    const leaf = tmp.write('csr/leaf.pem', signed.certificatePem);
    const root = tmp.write('csr/root.pem', signed.caBundlePem);
    const chain = tmp.write('csr/chain.pem', signed.chainPem);
    expect(openssl(['verify', '-CAfile', root, '-untrusted', chain, leaf]).status).toBe(0);
    const https = await startHttpsServer({
      key: pair.privateKeyPem.reveal(),
      cert: signed.certificatePem + signed.chainPem,
    });
    try {
      expect(
        await httpsGet({ port: https.port, servername: 'api.example.com', ca: signed.caBundlePem }),
      ).toMatchObject({ status: 200 });
      expect(await curl(['--cacert', root, `https://127.0.0.1:${https.port}/`])).toEqual({
        status: 0,
        output: 'ok -\n',
      });
    } finally {
      await https.close();
    }
  });

  it('a revoked client certificate is refused by a TLS server configured with the CRL', async () => {
    const server = await issue('httpbin.example.com', 'server');
    const good = await issue('good.example.com', 'client');
    const bad = await issue('bad.example.com', 'client');
    const revoked = await f.core.revocation.revoke({
      serial: bad.serial,
      reason: 'keyCompromise',
      actor: alice,
    });
    expect(revoked).toMatchObject({ serial: bad.serial, issuer: 'payments-int', reason: 'keyCompromise' });

    const intCrl = await f.core.revocation.crl('payments-int');
    const rootCrl = await f.core.revocation.crl('root');
    expect(intCrl.crlNumber).toBe(revoked.crlNumber);
    expect(parseCrl(intCrl.crlPem).revoked).toEqual([
      { serialHex: bad.serial, revokedAt: expect.any(Date), reason: 'keyCompromise' },
    ]);

    const files = {
      root: tmp.write('crl/root.pem', bad.caBundlePem),
      chain: tmp.write('crl/chain.pem', bad.chainPem),
      crl: tmp.write('crl/crl.pem', intCrl.crlPem + rootCrl.crlPem),
      bad: tmp.write('crl/bad.pem', bad.certificatePem),
      good: tmp.write('crl/good.pem', good.certificatePem),
    };
    const verify = (leaf: string) =>
      openssl([
        'verify',
        '-crl_check_all',
        '-CAfile',
        files.root,
        '-untrusted',
        files.chain,
        '-CRLfile',
        files.crl,
        leaf,
      ]);
    expect(verify(files.good).status).toBe(0);
    expect(verify(files.bad)).toMatchObject({
      status: 2,
      output: expect.stringContaining('certificate revoked'),
    });

    const https = await startHttpsServer({
      key: openIssuedKey(f.dataKeys, server).reveal(),
      cert: server.certificatePem + server.chainPem,
      ca: server.chainPem + server.caBundlePem,
      crl: [intCrl.crlPem, rootCrl.crlPem],
    });
    try {
      const get = (c: typeof good) =>
        httpsGet({
          port: https.port,
          servername: 'httpbin.example.com',
          ca: server.caBundlePem,
          key: openIssuedKey(f.dataKeys, c).reveal(),
          cert: c.certificatePem + c.chainPem,
        });
      expect(await get(good)).toEqual({ status: 200, body: 'ok good.example.com\n' });
      expect(await get(bad)).toMatchObject({ error: expect.any(String) });
    } finally {
      await https.close();
    }
    // The same server, answering instead of hanging up, says why: OpenSSL found the serial in the CRL.
    const explaining = await startHttpsServer({
      key: openIssuedKey(f.dataKeys, server).reveal(),
      cert: server.certificatePem + server.chainPem,
      ca: server.chainPem + server.caBundlePem,
      crl: [intCrl.crlPem, rootCrl.crlPem],
      rejectUnauthorized: false,
    });
    try {
      const c = bad;
      const answer = await httpsGet({
        port: explaining.port,
        servername: 'httpbin.example.com',
        ca: server.caBundlePem,
        key: openIssuedKey(f.dataKeys, c).reveal(),
        cert: c.certificatePem + c.chainPem,
      });
      expect(answer).toEqual({ status: 403, body: 'refused CERT_REVOKED\n' });
    } finally {
      await explaining.close();
    }
  });

  it('writes the walkthrough layout whose paths work with openssl and curl unchanged', async () => {
    const host = 'httpbin.example.com';
    const server = await issue(host, 'server');
    const client = await issue(host, 'client');
    const layout = walkthroughLayout({
      host,
      caChainPems: [server.chainPem, server.caBundlePem],
      server: { certificatePem: server.certificatePem, privateKey: openIssuedKey(f.dataKeys, server) },
      client: { certificatePem: client.certificatePem, privateKey: openIssuedKey(f.dataKeys, client) },
    });
    if (!layout.ok) throw new Error(JSON.stringify(layout.errors));
    const out = path.join(tmp.dir, 'walkthrough');
    for (const file of layout.files) {
      const target = path.join(out, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content instanceof PrivateKeyPem ? file.content.reveal() : file.content, {
        mode: file.mode,
      });
    }
    const p = (rel: string) => path.join(out, rel);
    expect(
      openssl([
        'verify',
        '-CAfile',
        p('2_intermediate/certs/ca-chain.cert.pem'),
        p(`3_application/certs/${host}.cert.pem`),
      ]).status,
    ).toBe(0);
    expect(
      openssl([
        'verify',
        '-CAfile',
        p('1_root/certs/ca.cert.pem'),
        p('2_intermediate/certs/intermediate.cert.pem'),
      ]).status,
    ).toBe(0);

    // The walkthrough's MUTUAL gateway: the Secret holds the server pair and ca-chain for clients.
    const https = await startHttpsServer({
      key: fs.readFileSync(p(`3_application/private/${host}.key.pem`), 'utf8'),
      cert:
        fs.readFileSync(p(`3_application/certs/${host}.cert.pem`), 'utf8') +
        fs.readFileSync(p('2_intermediate/certs/intermediate.cert.pem'), 'utf8'),
      ca: fs.readFileSync(p('2_intermediate/certs/ca-chain.cert.pem'), 'utf8'),
    });
    try {
      const c = await curl([
        '--resolve',
        `${host}:${https.port}:127.0.0.1`,
        '--cacert',
        p('2_intermediate/certs/ca-chain.cert.pem'),
        '--cert',
        p(`4_client/certs/${host}.cert.pem`),
        '--key',
        p(`4_client/private/${host}.key.pem`),
        `https://${host}:${https.port}/status/418`,
      ]);
      expect(c).toEqual({ status: 0, output: `ok ${host}\n` });
    } finally {
      await https.close();
    }
  });
});
