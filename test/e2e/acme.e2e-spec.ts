/**
 * Issue #20: real ACME clients against the running suite. certbot (Debian's) and the acme-client
 * npm package each obtain a certificate that `openssl verify` accepts against the issuer chain,
 * renew it and revoke it (the serial is then on the issuer's CRL); tls-alpn-01 and dns-01 (a
 * wildcard, for a team that opted in); and the refusals, each with RFC 8555's error type.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import acme from 'acme-client';
import { ensureCommand } from '#keyway/infra';
import { parseCertificate, parseCrl } from '#keyway/pki';
import { publicJwkOf } from '#keyway/acme';
import {
  ISSUER,
  RawAcmeClient,
  WEB_DOMAIN,
  WILD_DOMAIN,
  signJws,
  startAcmeSuite,
  startHttp01Responder,
  testAccountKey,
  waitFor,
  type AcmeSuite,
} from '#keyway/testing';
import { ok, run } from './support.js';

let s: AcmeSuite;

beforeAll(async () => {
  for (const client of ['certbot', 'lego'])
    if (!ensureCommand(client, client, (line) => console.log(line)))
      throw new Error(`${client} is not installed and could not be installed (apt-get install ${client})`);
  s = await startAcmeSuite('keyway-acme');
  // apt-get may have to fetch certbot first on a new machine.
}, 600_000);

afterAll(async () => {
  await s?.stop();
});

/** http-01 answers for the client under test, on the port the api validates at. */
const serveHttp01 = (tokens: Map<string, string>) => startHttp01Responder(s.http01Port, tokens);

const close = (server: http.Server | tls.Server) => new Promise<void>((r) => server.close(() => r()));

function leafOf(chainPem: string): string {
  return chainPem.slice(0, chainPem.indexOf('-----END CERTIFICATE-----') + 25) + '\n';
}

async function opensslVerify(certPem: string, name: string): Promise<string> {
  const file = path.join(s.w.workDir, `${name}.pem`);
  fs.writeFileSync(file, certPem);
  return ok(await run('openssl', ['verify', '-CAfile', s.chainFile, file])).stdout;
}

async function revokedOnCrl(serialHex: string): Promise<boolean> {
  const crl = parseCrl(await s.crlPem());
  return crl.revoked.some((r) => r.serialHex === serialHex.toLowerCase());
}

function acmeClient(eab: { kid: string; hmacKey: string }, accountKey?: Buffer) {
  return (async () =>
    new acme.Client({
      directoryUrl: s.directoryUrl,
      accountKey: accountKey ?? (await acme.crypto.createPrivateEcdsaKey()),
      externalAccountBinding: eab,
    }))();
}

describe('acme-client (npm)', () => {
  it('obtains (http-01), renews and revokes; openssl verifies; the serial is on the next CRL', async () => {
    const tokens = new Map<string, string>();
    const server = await serveHttp01(tokens);
    try {
      const client = await acmeClient(await s.eab('web'));
      const host = `app.${WEB_DOMAIN}`;
      const obtain = async () => {
        const [, csr] = await acme.crypto.createCsr({ commonName: host, altNames: [host] });
        return client.auto({
          csr,
          email: 'ops@example.com',
          termsOfServiceAgreed: true,
          challengePriority: ['http-01'],
          skipChallengeVerification: true,
          challengeCreateFn: async (_authz, challenge, keyAuthorization) =>
            void tokens.set(challenge.token, keyAuthorization),
          challengeRemoveFn: async (_authz, challenge) => void tokens.delete(challenge.token),
        });
      };
      const first = await obtain();
      expect(await opensslVerify(leafOf(first), 'acme-client-first')).toContain(': OK');
      const firstCert = parseCertificate(leafOf(first));
      expect(firstCert.sans.dns).toEqual([host]);

      const renewed = await obtain();
      expect(await opensslVerify(leafOf(renewed), 'acme-client-renewed')).toContain(': OK');
      const renewedCert = parseCertificate(leafOf(renewed));
      expect(renewedCert.serialHex).not.toBe(firstCert.serialHex);

      await client.revokeCertificate(renewed, { reason: 4 });
      expect(await revokedOnCrl(renewedCert.serialHex)).toBe(true);
      expect(await revokedOnCrl(firstCert.serialHex)).toBe(false);
    } finally {
      await close(server);
    }
  });

  it('obtains with tls-alpn-01 (RFC 8737)', async () => {
    const certs = new Map<string, { cert: string; key: string }>();
    const server = tls.createServer({
      ALPNProtocols: ['acme-tls/1'],
      SNICallback: (name, cb) => {
        const c = certs.get(name);
        cb(null, c ? tls.createSecureContext({ cert: c.cert, key: c.key }) : undefined);
      },
    });
    await new Promise<void>((r) => server.listen(s.tlsAlpnPort, '127.0.0.1', r));
    try {
      const client = await acmeClient(await s.eab('web'));
      const host = `alpn.${WEB_DOMAIN}`;
      const [, csr] = await acme.crypto.createCsr({ commonName: host, altNames: [host] });
      const chain = await client.auto({
        csr,
        termsOfServiceAgreed: true,
        challengePriority: ['tls-alpn-01'],
        skipChallengeVerification: true,
        challengeCreateFn: async (authz, _challenge, keyAuthorization) => {
          const [key, cert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization);
          certs.set(authz.identifier.value, { cert: cert.toString(), key: key.toString() });
        },
        challengeRemoveFn: async (authz) => void certs.delete(authz.identifier.value),
      });
      expect(await opensslVerify(leafOf(chain), 'alpn')).toContain(': OK');
    } finally {
      await close(server);
    }
  });

  it('obtains a wildcard with dns-01 for a team whose policy allows wildcards', async () => {
    const client = await acmeClient(await s.eab('wild'));
    const names = [`*.${WILD_DOMAIN}`, WILD_DOMAIN];
    const [, csr] = await acme.crypto.createCsr({ commonName: names[0], altNames: names });
    const chain = await client.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['dns-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, _challenge, keyAuthorization) => {
        const record = `_acme-challenge.${authz.identifier.value}`;
        s.dns.txt.set(record, [...(s.dns.txt.get(record) ?? []), keyAuthorization]);
      },
      challengeRemoveFn: async () => undefined,
    });
    expect(await opensslVerify(leafOf(chain), 'wildcard')).toContain(': OK');
    expect(parseCertificate(leafOf(chain)).sans.dns.sort()).toEqual([...names].sort());
    expect(s.dns.asked).toContain(`_acme-challenge.${WILD_DOMAIN}`);
  });
});

describe('accounts and revocation by certificate key', () => {
  it('rolls the account key over (keyChange): the new key acts for the account, the old one no longer', async () => {
    const c = await new RawAcmeClient(s.directoryUrl).start();
    expect((await c.register(await s.eab('web'))).status).toBe(201);
    const oldKey = c.key;
    const next = testAccountKey('EdDSA');
    const url = c.directory.keyChange;
    const inner = signJws(next, { jwk: next.jwk, url }, { account: c.accountUrl, oldKey: oldKey.jwk });
    const changed = await c.post(url, inner);
    expect(changed.status).toBe(200);
    const byNew = await c.post(c.accountUrl!, '', { signer: next });
    expect([byNew.status, byNew.body.status]).toEqual([200, 'valid']);
    const byOld = await c.post(c.accountUrl!, '');
    expect([byOld.status, byOld.body.type]).toEqual([400, 'urn:ietf:params:acme:error:malformed']);
  });

  it('refuses a key change to a key another account already has (409)', async () => {
    const a = await new RawAcmeClient(s.directoryUrl).start();
    const b = await new RawAcmeClient(s.directoryUrl).start();
    expect((await a.register(await s.eab('web'))).status).toBe(201);
    expect((await b.register(await s.eab('web'))).status).toBe(201);
    const url = a.directory.keyChange;
    const inner = signJws(b.key, { jwk: b.key.jwk, url }, { account: a.accountUrl, oldKey: a.key.jwk });
    const r = await a.post(url, inner);
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain(b.accountUrl);
  });

  it('revokes an EAB key (CLI): no new account binds with it; an unknown key id is 404', async () => {
    const eab = await s.eab('web');
    ok(await s.w.keyway(['acme', 'eab', 'revoke', eab.kid]));
    const r = await (await new RawAcmeClient(s.directoryUrl).start()).register(eab);
    expect([r.status, r.body.type]).toEqual([403, 'urn:ietf:params:acme:error:unauthorized']);
    const listed = ok(await s.w.keyway(['acme', 'eab', 'list', '--team', 'web'])).stdout;
    expect(listed).toContain(eab.kid);
    const unknown = await s.api('/v1/acme/eab/kw-eab-unknown', { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });

  it('deactivates an account: its later requests are unauthorized', async () => {
    const c = await new RawAcmeClient(s.directoryUrl).start();
    expect((await c.register(await s.eab('web'))).status).toBe(201);
    const done = await c.post(c.accountUrl!, { status: 'deactivated' });
    expect([done.status, done.body.status]).toEqual([200, 'deactivated']);
    const after = await c.post(c.directory.newOrder, {
      identifiers: [{ type: 'dns', value: `d.${WEB_DOMAIN}` }],
    });
    expect([after.status, after.body.type]).toEqual([403, 'urn:ietf:params:acme:error:unauthorized']);
  });

  it("revokes a certificate with a request signed by the certificate's own key", async () => {
    const tokens = new Map<string, string>();
    const server = await serveHttp01(tokens);
    let chain: string;
    let keyPem: Buffer;
    try {
      const client = await acmeClient(await s.eab('web'));
      const host = `bykey.${WEB_DOMAIN}`;
      const [key, csr] = await acme.crypto.createCsr({ commonName: host, altNames: [host] });
      keyPem = key;
      chain = await client.auto({
        csr,
        termsOfServiceAgreed: true,
        challengePriority: ['http-01'],
        skipChallengeVerification: true,
        challengeCreateFn: async (_a, ch, ka) => void tokens.set(ch.token, ka),
        challengeRemoveFn: async () => undefined,
      });
    } finally {
      await close(server);
    }
    const leaf = parseCertificate(leafOf(chain));
    const privateKey = createPrivateKey(keyPem);
    const certKey = { alg: 'RS256' as const, privateKey, jwk: publicJwkOf(createPublicKey(privateKey)) };
    const c = await new RawAcmeClient(s.directoryUrl, certKey).start();
    const wrongKey = await c.post(
      c.directory.revokeCert,
      { certificate: leaf.der.toString('base64url') },
      { jwk: true, signer: testAccountKey() },
    );
    expect([wrongKey.status, wrongKey.body.type]).toEqual([403, 'urn:ietf:params:acme:error:unauthorized']);
    const r = await c.post(
      c.directory.revokeCert,
      { certificate: leaf.der.toString('base64url'), reason: 1 },
      { jwk: true },
    );
    expect(r.status).toBe(200);
    expect(await revokedOnCrl(leaf.serialHex)).toBe(true);
    const again = await c.post(
      c.directory.revokeCert,
      { certificate: leaf.der.toString('base64url') },
      { jwk: true },
    );
    expect([again.status, again.body.type]).toEqual([400, 'urn:ietf:params:acme:error:alreadyRevoked']);
  });
});

describe('certbot (Debian)', () => {
  it('obtains over HTTPS (standalone http-01, EAB), renews and revokes; openssl verifies; the serial is on the next CRL', async () => {
    const { kid, hmacKey } = await s.eab('web');
    const dir = fs.mkdtempSync(path.join(s.w.workDir, 'certbot-'));
    const common = [
      '--config-dir',
      path.join(dir, 'config'),
      '--work-dir',
      path.join(dir, 'work'),
      '--logs-dir',
      path.join(dir, 'logs'),
      '--non-interactive',
    ];
    const host = `certbot.${WEB_DOMAIN}`;
    // certbot (Python requests) trusts the api's HTTPS certificate through REQUESTS_CA_BUNDLE.
    const certbot = (args: string[]) =>
      run('certbot', [...args, ...common], { cwd: dir, env: { REQUESTS_CA_BUNDLE: s.httpsCaFile } });
    const said = (r: { code: number; stdout: string; stderr: string }) => {
      if (r.code !== 0) {
        const log = path.join(dir, 'logs', 'letsencrypt.log');
        throw new Error(
          `certbot exit ${r.code}\n${r.stdout}\n${r.stderr}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-4000) : ''}`,
        );
      }
      return r;
    };
    said(
      await certbot([
        'certonly',
        '--standalone',
        '--http-01-port',
        String(s.http01Port),
        '--http-01-address',
        '127.0.0.1',
        '--server',
        s.httpsDirectoryUrl,
        '--eab-kid',
        kid,
        '--eab-hmac-key',
        hmacKey,
        '--agree-tos',
        '-m',
        'ops@example.com',
        '-d',
        host,
      ]),
    );
    const live = path.join(dir, 'config', 'live', host);
    const first = parseCertificate(fs.readFileSync(path.join(live, 'cert.pem'), 'utf8'));
    expect(
      await opensslVerify(fs.readFileSync(path.join(live, 'cert.pem'), 'utf8'), 'certbot-first'),
    ).toContain(': OK');
    expect(first.sans.dns).toEqual([host]);

    // --no-random-sleep-on-renew: a non-interactive renew otherwise waits up to 8 minutes first.
    said(
      await certbot([
        'renew',
        '--force-renewal',
        '--no-random-sleep-on-renew',
        '--http-01-port',
        String(s.http01Port),
        '--http-01-address',
        '127.0.0.1',
      ]),
    );
    const renewedPem = fs.readFileSync(path.join(live, 'cert.pem'), 'utf8');
    const renewed = parseCertificate(renewedPem);
    expect(renewed.serialHex).not.toBe(first.serialHex);
    expect(await opensslVerify(renewedPem, 'certbot-renewed')).toContain(': OK');

    said(
      await certbot([
        'revoke',
        '--cert-path',
        path.join(live, 'cert.pem'),
        '--server',
        s.httpsDirectoryUrl,
        '--reason',
        'superseded',
        '--no-delete-after-revoke',
      ]),
    );
    expect(await revokedOnCrl(renewed.serialHex)).toBe(true);
  });
});

describe('lego (Debian)', () => {
  it('obtains over HTTPS (http-01, EAB), renews and revokes; openssl verifies; the serial is on the next CRL', async () => {
    const { kid, hmacKey } = await s.eab('web');
    const dir = fs.mkdtempSync(path.join(s.w.workDir, 'lego-'));
    const host = `lego.${WEB_DOMAIN}`;
    const common = [
      '--server',
      s.httpsDirectoryUrl,
      '--path',
      dir,
      '--accept-tos',
      '--email',
      'ops@example.com',
      '--domains',
      host,
      '--http',
      '--http.port',
      `127.0.0.1:${s.http01Port}`,
      // lego asks for the binding on every command once the directory says it is required.
      '--eab',
      '--kid',
      kid,
      '--hmac',
      hmacKey,
    ];
    // lego (Go) trusts the api's HTTPS certificate through LEGO_CA_CERTIFICATES.
    const lego = async (args: string[]) => {
      const r = await run('lego', args, { cwd: dir, env: { LEGO_CA_CERTIFICATES: s.httpsCaFile } });
      if (r.code !== 0) throw new Error(`lego ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    const certFile = path.join(dir, 'certificates', `${host}.crt`);
    await lego([...common, 'run']);
    const firstPem = leafOf(fs.readFileSync(certFile, 'utf8'));
    const first = parseCertificate(firstPem);
    expect(first.sans.dns).toEqual([host]);
    expect(await opensslVerify(firstPem, 'lego-first')).toContain(': OK');

    // --days beyond the certificate's life: renew now; --no-random-sleep: lego otherwise waits minutes first.
    await lego([...common, 'renew', '--days', '3650', '--no-random-sleep']);
    const renewedPem = leafOf(fs.readFileSync(certFile, 'utf8'));
    const renewed = parseCertificate(renewedPem);
    expect(renewed.serialHex).not.toBe(first.serialHex);
    expect(await opensslVerify(renewedPem, 'lego-renewed')).toContain(': OK');

    await lego([...common, 'revoke', '--reason', '4', '--keep']);
    expect(await revokedOnCrl(renewed.serialHex)).toBe(true);
    expect(await revokedOnCrl(first.serialHex)).toBe(false);
  });
});

describe('the api over HTTPS', () => {
  const servedCertificate = () =>
    new Promise<tls.PeerCertificate>((resolve, reject) => {
      const { port } = new URL(s.httpsDirectoryUrl);
      const socket = tls.connect({
        host: '127.0.0.1',
        port: Number(port),
        ca: fs.readFileSync(s.httpsCaFile),
      });
      socket.once('secureConnect', () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.once('error', reject);
    });

  it('serves the directory with https URLs on its HTTPS port, and plain ones on its plain port', async () => {
    const ca = fs.readFileSync(s.httpsCaFile);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(s.httpsDirectoryUrl, { ca }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        })
        .once('error', reject);
    });
    const directory = JSON.parse(body) as Record<string, string>;
    const origin = new URL(s.httpsDirectoryUrl).origin;
    for (const key of ['newNonce', 'newAccount', 'newOrder', 'revokeCert', 'keyChange'])
      expect(directory[key].startsWith(`${origin}/acme/`)).toBe(true);
    const plain = (await (await fetch(s.directoryUrl)).json()) as Record<string, string>;
    expect(plain.newOrder.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('serves a renewed certificate without a restart', async () => {
    const before = (await servedCertificate()).serialNumber;
    s.renewHttpsCertificate();
    await waitFor(async () => (await servedCertificate()).serialNumber !== before, {
      timeoutMs: 15_000,
      what: 'the renewed HTTPS certificate served',
    });
    expect((await servedCertificate()).serialNumber).not.toBe(before);
  });
});

describe('refusals (RFC 8555 error types)', () => {
  const T = (name: string) => `urn:ietf:params:acme:error:${name}`;
  let client: RawAcmeClient;

  beforeAll(async () => {
    client = await new RawAcmeClient(s.directoryUrl).start();
    const r = await client.register(await s.eab('web'));
    expect(r.status).toBe(201);
  });

  it('refuses an account without EAB (externalAccountRequired)', async () => {
    const c = await new RawAcmeClient(s.directoryUrl).start();
    const r = await c.register();
    expect([r.status, r.body.type]).toEqual([403, T('externalAccountRequired')]);
  });

  it('refuses an account with a wrong EAB key or an unknown key id (unauthorized)', async () => {
    const { kid } = await s.eab('web');
    const wrong = await (
      await new RawAcmeClient(s.directoryUrl).start()
    ).register({
      kid,
      hmacKey: Buffer.alloc(32, 7).toString('base64url'),
    });
    expect([wrong.status, wrong.body.type]).toEqual([403, T('unauthorized')]);
    const unknown = await (
      await new RawAcmeClient(s.directoryUrl).start()
    ).register({
      kid: 'kw-eab-unknown',
      hmacKey: Buffer.alloc(32, 7).toString('base64url'),
    });
    expect([unknown.status, unknown.body.type]).toEqual([403, T('unauthorized')]);
  });

  it('refuses a name outside the team policy (rejectedIdentifier naming the policy rule)', async () => {
    const r = await client.post(client.directory.newOrder, {
      identifiers: [{ type: 'dns', value: 'shop.example.org' }],
    });
    expect([r.status, r.body.type]).toEqual([400, T('rejectedIdentifier')]);
    expect(r.body.subproblems[0]).toMatchObject({
      type: T('rejectedIdentifier'),
      identifier: { type: 'dns', value: 'shop.example.org' },
    });
    expect(r.body.subproblems[0].detail).toContain('CaPolicy/web/acme: sans.dns[0]');
  });

  it('refuses a wildcard when the policy has not opted in (rejectedIdentifier)', async () => {
    const r = await client.post(client.directory.newOrder, {
      identifiers: [{ type: 'dns', value: `*.${WEB_DOMAIN}` }],
    });
    expect([r.status, r.body.type]).toEqual([400, T('rejectedIdentifier')]);
    expect(r.body.subproblems[0].detail).toContain('does not allow wildcards');
  });

  it('refuses a nonce it never issued, and one used twice (badNonce)', async () => {
    const forged = await client.post(
      client.directory.newOrder,
      { identifiers: [{ type: 'dns', value: `n.${WEB_DOMAIN}` }] },
      {
        nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA',
      },
    );
    expect([forged.status, forged.body.type]).toEqual([400, T('badNonce')]);
    const nonce = await client.nonce();
    const first = await client.post(
      client.directory.newOrder,
      { identifiers: [{ type: 'dns', value: `n.${WEB_DOMAIN}` }] },
      { nonce },
    );
    expect(first.status).toBe(201);
    const replay = await client.post(
      client.directory.newOrder,
      { identifiers: [{ type: 'dns', value: `n.${WEB_DOMAIN}` }] },
      { nonce },
    );
    expect([replay.status, replay.body.type]).toEqual([400, T('badNonce')]);
    expect(replay.headers.get('replay-nonce')).toBeTruthy();
  });

  it('refuses a JWS naming the account but signed with another key (malformed)', async () => {
    const r = await client.post(
      client.directory.newOrder,
      { identifiers: [{ type: 'dns', value: `k.${WEB_DOMAIN}` }] },
      { signer: testAccountKey() },
    );
    expect([r.status, r.body.type]).toEqual([400, T('malformed')]);
  });

  it('fails http-01 when the wrong token is served: incorrectResponse, authorization invalid', async () => {
    const host = `wrong.${WEB_DOMAIN}`;
    const order = await client.post(client.directory.newOrder, {
      identifiers: [{ type: 'dns', value: host }],
    });
    expect(order.status).toBe(201);
    const authzUrl = order.body.authorizations[0];
    const authz = await client.post(authzUrl, '');
    expect([authz.body.status, authz.headers.get('retry-after')]).toEqual(['pending', '1']);
    const challenge = authz.body.challenges.find((c: { type: string }) => c.type === 'http-01');
    const tokens = new Map([[challenge.token, client.keyAuthorization('not-the-token')]]);
    const server = await serveHttp01(tokens);
    try {
      // The answer waits for a quick validation (ACME_CHALLENGE_WAIT_MS), or says processing.
      const answered = await client.post(challenge.url, {});
      expect(['processing', 'invalid']).toContain(answered.body.status);
      const done = await waitFor(
        async () => {
          const a = await client.post(authzUrl, '');
          return a.body.status === 'pending' ? undefined : a;
        },
        { what: 'the authorization decided', timeoutMs: 15_000 },
      );
      expect(done.body.status).toBe('invalid');
      const c = done.body.challenges.find((x: { type: string }) => x.type === 'http-01');
      expect([c.status, c.error.type]).toEqual(['invalid', T('incorrectResponse')]);
      const after = await client.post(order.location!, '');
      expect(after.body.status).toBe('invalid');
    } finally {
      await close(server);
    }
  });

  it('gives up on a client that accepts the connection and never answers (connection, within the timeout)', async () => {
    const order = await client.post(client.directory.newOrder, {
      identifiers: [{ type: 'dns', value: `silent.${WEB_DOMAIN}` }],
    });
    const authzUrl = order.body.authorizations[0];
    const authz = await client.post(authzUrl, '');
    const challenge = authz.body.challenges.find((c: { type: string }) => c.type === 'http-01');
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => silent.listen(s.http01Port, '127.0.0.1', r));
    try {
      const started = Date.now();
      await client.post(challenge.url, {});
      const done = await waitFor(
        async () => {
          const a = await client.post(authzUrl, '');
          return a.body.status === 'pending' ? undefined : a;
        },
        { what: 'the authorization decided', timeoutMs: 20_000 },
      );
      const c = done.body.challenges.find((x: { type: string }) => x.type === 'http-01');
      expect([done.body.status, c.error.type]).toEqual(['invalid', T('connection')]);
      // ACME_VALIDATION_TIMEOUT_MS is 5000 in this suite.
      expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('records ACME issuance, refusals and revocations in the ca record with the account as actor', async () => {
    const r = await s.api('/v1/audit/events?limit=1000&kind=ca-decision,ca-issuance,ca-revocation');
    const events = ((await r.json()) as { items: Array<Record<string, any>> }).items;
    const acmeEvents = events.filter((e) => String(e.actor ?? '').startsWith(`acme:acme/${ISSUER}/acct/`));
    const kinds = new Set(acmeEvents.map((e) => `${e.kind}/${e.action}`));
    expect([...kinds]).toEqual(
      expect.arrayContaining(['ca-decision/refused', 'ca-issuance/issued', 'ca-revocation/revoked']),
    );
    expect(acmeEvents.find((e) => e.kind === 'ca-decision' && e.action === 'refused')?.actor).toMatch(
      /\(team web\)$/,
    );
  });
});
