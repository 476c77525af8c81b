import { createHash } from 'node:crypto';
import { CA_IMPORT_AAD, certificateResource, type IssuedCertificate } from '#keyway/contracts';
import { Keyring, containsPrivateKeyPem } from '#keyway/key-material';
import { createCsr, generateKeyPair, parseCertificate, parseCrl, privateKeyMatchesSpki } from '#keyway/pki';
import { PrivateKeyPem } from '#keyway/key-material';
import { createCaCore } from './ca-core.js';
import { CaError } from './errors.js';
import { admin, alice, openIssuedKey, startCaFixture, type CaFixture } from './testing/ca-test-fixture.js';

let f: CaFixture;
beforeAll(async () => {
  f = await startCaFixture();
});
afterAll(async () => {
  await f.close();
});

const base = {
  schemaVersion: 1 as const,
  issuer: 'payments-int',
  sans: { dns: ['api.example.com'], ip: [] as string[], uri: [] as string[] },
  keyType: 'ecdsa-p256' as const,
  usage: 'server' as const,
  actor: alice,
};

async function refusal(run: () => Promise<unknown>): Promise<CaError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof CaError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function decisions(): Promise<
  Array<{
    allowed: boolean;
    reasons: string[];
    actor: { name: string };
    serial: string | null;
    action: string;
  }>
> {
  return f.ds.query('SELECT allowed, reasons, actor, serial, action FROM policy_decisions ORDER BY seq');
}

describe('policy decisions', () => {
  it.each([
    [
      'an out-of-domain name',
      { sans: { dns: ['api.example.com', 'evil.com'], ip: [], uri: [] } },
      'sans.dns[1]: "evil.com" is not within allowed domains [*.example.com, example.com]',
    ],
    [
      'a wildcard without opt-in',
      { sans: { dns: ['*.example.com'], ip: [], uri: [] } },
      'sans.dns[0]: "*.example.com" is a wildcard name and the policy does not allow wildcards',
    ],
    ['a TTL over the maximum', { ttl: '4000h' }, 'ttl: 4000h exceeds the maximum 2160h'],
    [
      'a wrong key type',
      { keyType: 'rsa-4096' as const },
      'keyType: rsa-4096 is not among allowed key types [ecdsa-p256, ecdsa-p384, rsa-2048]',
    ],
    [
      'an issuer outside the policy',
      { issuer: 'root' },
      'issuer: "root" is not among allowed issuers [payments-int]',
    ],
    [
      'a SPIFFE id of another namespace',
      { sans: { dns: [], ip: [], uri: ['spiffe://cluster.local/ns/billing/sa/api'] } },
      'sans.uri[0]: "spiffe://cluster.local/ns/billing/sa/api" is not within allowed URIs',
    ],
  ])('refuses %s, says why, and records it', async (_what, over, reason) => {
    const err = await refusal(() => f.core.issuance.issue({ ...base, ...over }));
    expect(err.code).toBe('forbidden');
    expect(err.message).toContain(reason);
    expect(err.errors?.[0]).toMatchObject({ code: 'forbidden', resource: 'CaPolicy/payments/web' });
    const last = (await decisions()).at(-1)!;
    expect(last).toMatchObject({ allowed: false, actor: { name: 'alice' }, serial: null, action: 'issue' });
    expect(last.reasons.some((r) => r.startsWith(reason))).toBe(true);
  });

  it('refuses a caller whose team has no policy, and records it', async () => {
    const err = await refusal(() =>
      f.core.issuance.issue({ ...base, actor: { kind: 'user', name: 'mallory', team: 'billing' } }),
    );
    expect(err.message).toContain('policy: no CA policy applies to team "billing"');
    expect((await decisions()).at(-1)).toMatchObject({ allowed: false, actor: { name: 'mallory' } });
  });

  it('records a request for an issuer that does not exist', async () => {
    const err = await refusal(() => f.core.issuance.issue({ ...base, issuer: 'nope' }));
    expect(err.code).toBe('not_found');
    expect((await decisions()).at(-1)).toMatchObject({
      allowed: false,
      reasons: ['issuer: "nope" does not exist'],
    });
  });

  it('records an allowed issuance with the grounds, the serial and the issuance row', async () => {
    const issued = await f.core.issuance.issue({
      ...base,
      commonName: 'api.example.com',
      reason: 'ticket 42',
    });
    const last = (await decisions()).at(-1)!;
    expect(last).toMatchObject({ allowed: true, serial: issued.serial, action: 'issue' });
    expect(last.reasons).toContain('sans.dns[0]: "api.example.com" is within allowed domain *.example.com');
    const rows = await f.ds.query('SELECT * FROM issued_certificates WHERE serial = $1', [issued.serial]);
    expect(rows[0]).toMatchObject({
      issuer: 'payments-int',
      subject: 'CN=api.example.com',
      sans: { dns: ['api.example.com'], ip: [], uri: [] },
      key_type: 'ecdsa-p256',
      usage: 'server',
      policy: 'payments/web',
      requested_by: alice,
      revoked_at: null,
    });
    expect(JSON.stringify(rows)).not.toMatch(/PRIVATE KEY/);
  });

  it('returns the key once, sealed to its serial, matching the certificate', async () => {
    const issued = await f.core.issuance.issue(base);
    expect(JSON.stringify(issued)).not.toMatch(/PRIVATE KEY/);
    const key = openIssuedKey(f.dataKeys, issued);
    expect(privateKeyMatchesSpki(key, parseCertificate(issued.certificatePem).spkiDer)).toBe(true);
    expect(() => f.dataKeys.open(issued.sealedPrivateKey!, 'another-serial')).toThrow(
      /authentication failed/,
    );
  });

  it('uses the default TTL and never outlives the issuer', async () => {
    const issued = await f.core.issuance.issue(base);
    const c = parseCertificate(issued.certificatePem);
    expect((c.notAfter.getTime() - f.clock.now.getTime()) / 3600_000).toBeCloseTo(720, 0);
    const authority = await f.core.authorities.get('payments-int');
    f.clock.now = new Date(authority.notAfter.getTime() - 24 * 3600_000);
    try {
      const late = await f.core.issuance.issue({ ...base, ttl: '2000h' });
      expect(new Date(late.notAfter).getTime()).toBe(authority.notAfter.getTime());
    } finally {
      f.clock.now = new Date();
    }
  });
});

describe('CSR signing', () => {
  it('refuses a CSR whose signature does not verify, and records it', async () => {
    const pair = generateKeyPair('ecdsa-p256');
    const other = generateKeyPair('ecdsa-p256');
    const csr = createCsr({
      subject: { commonName: 'api.example.com' },
      sans: { dns: ['api.example.com'] },
      keyPair: pair,
    });
    // Swap in another public key: the self-signature no longer matches.
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(pair.spkiDer);
    other.spkiDer.copy(der, at);
    const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const err = await refusal(() =>
      f.core.issuance.sign({
        schemaVersion: 1,
        issuer: 'payments-int',
        csrPem: forged,
        usage: 'server',
        actor: alice,
      }),
    );
    expect(err.code).toBe('invalid');
    expect(err.message).toContain('csrPem: the request signature does not verify');
    expect((await decisions()).at(-1)).toMatchObject({ allowed: false, action: 'sign' });
  });

  it('checks the names inside a CSR against policy', async () => {
    const pair = generateKeyPair('ecdsa-p256');
    const csrPem = createCsr({
      subject: { commonName: 'evil.com' },
      sans: { dns: ['evil.com'] },
      keyPair: pair,
    });
    const err = await refusal(() =>
      f.core.issuance.sign({
        schemaVersion: 1,
        issuer: 'payments-int',
        csrPem,
        usage: 'server',
        actor: alice,
      }),
    );
    expect(err.message).toContain('sans.dns[0]: "evil.com" is not within allowed domains');
  });
});

describe('CA keys at rest', () => {
  it('seals CA keys in Postgres and never lists them', async () => {
    const rows: Array<{ sealed_key: unknown }> = await f.ds.query('SELECT sealed_key FROM authorities');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(containsPrivateKeyPem(JSON.stringify(r))).toBe(false);
    const list = await f.core.authorities.list();
    expect(list.map((a) => [a.name, a.kind, a.parent])).toEqual([
      ['payments-int', 'intermediate', 'root'],
      ['root', 'root', null],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/PRIVATE KEY|sealed/);
  });

  it('rotates the master key: reseal moves every CA key, which then opens under the new key alone', async () => {
    const newKey = Keyring.parse(`m2:${createHash('sha256').update('rotation').digest('base64')}`);
    const both = new Keyring(
      [
        { id: 'm2', key: Buffer.from(createHash('sha256').update('rotation').digest()) },
        { id: 'm1', key: Buffer.from(f.masterKeysSpec.split(':')[1], 'base64') },
      ],
      'm2',
    );
    const rotated = createCaCore({
      ds: f.ds,
      masterKeys: both,
      dataKeys: f.dataKeys,
      secrets: { apply: async () => ({ ok: false, error: { code: 'internal', message: 'unused' } }) },
    });
    expect(await rotated.authorities.resealKeys()).toBe(2);
    const kids: Array<{ kid: string }> = await f.ds.query(
      `SELECT sealed_key->>'kid' AS kid FROM authorities`,
    );
    expect(kids.map((k) => k.kid)).toEqual(['m2', 'm2']);
    const onlyNew = createCaCore({
      ds: f.ds,
      masterKeys: newKey,
      dataKeys: f.dataKeys,
      secrets: { apply: async () => ({ ok: false, error: { code: 'internal', message: 'unused' } }) },
    });
    const issued = await onlyNew.issuance.issue(base);
    expect(parseCertificate(issued.certificatePem).issuer).toContain('keyway payments intermediate');
    await onlyNew.recorder.idle();
  });

  it('imports an existing CA whose key arrives sealed, and issues from it', async () => {
    const root = await f.core.authorities.get('root');
    const sub = generateKeyPair('ecdsa-p256');
    const { issueCertificate } = await import('#keyway/pki');
    const cert = issueCertificate({
      profile: 'intermediate-ca',
      subject: { commonName: 'imported intermediate' },
      notAfter: new Date(Date.now() + 86_400_000 * 30),
      issuer: root.issuer,
      keyPair: sub,
    });
    const summary = await f.core.authorities.import({
      schemaVersion: 1,
      name: 'imported',
      certificatePem: cert.pem,
      chainPem: root.certificatePem,
      sealedPrivateKey: f.dataKeys.seal(sub.privateKeyPem.reveal(), CA_IMPORT_AAD),
      actor: admin,
    });
    expect(summary).toMatchObject({ name: 'imported', kind: 'intermediate', parent: 'root' });
    const wrongKey = generateKeyPair('ecdsa-p256').privateKeyPem.reveal();
    const err = await refusal(() =>
      f.core.authorities.import({
        schemaVersion: 1,
        name: 'imported-2',
        certificatePem: cert.pem,
        sealedPrivateKey: f.dataKeys.seal(wrongKey, CA_IMPORT_AAD),
        actor: admin,
      }),
    );
    expect(err.message).toContain('private key does not match');
    const wrongChain = await refusal(() =>
      f.core.authorities.import({
        schemaVersion: 1,
        name: 'imported-3',
        certificatePem: cert.pem,
        chainPem: cert.pem,
        sealedPrivateKey: f.dataKeys.seal(sub.privateKeyPem.reveal(), CA_IMPORT_AAD),
        actor: admin,
      }),
    );
    expect(wrongChain.message).toBe('chainPem: its first certificate did not sign certificatePem');
  });
});

describe('issue into a credential', () => {
  it('writes the Secret through secrets.apply with tls.crt, tls.key, ca.crt and ca.crl', async () => {
    const issued = await f.core.issuance.issueKeyed(
      { ...base, sans: { dns: ['httpbin.example.com'], ip: [], uri: [] } },
      'issue-credential',
      'istio-system',
    );
    const out = await f.core.credentials.write(
      issued,
      { namespace: 'istio-system', secretName: 'httpbin-credential', includeCa: true, includeCrl: true },
      alice,
      'test',
    );
    expect(out.secret).toMatchObject({
      namespace: 'istio-system',
      name: 'httpbin-credential',
      outcome: 'created',
    });
    expect(JSON.stringify(out)).not.toMatch(/PRIVATE KEY/);
    const m = f.applied.filter((a) => a.manifest.metadata.name === 'httpbin-credential').at(-1)!.manifest;
    expect(m).toMatchObject({
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { namespace: 'istio-system', name: 'httpbin-credential' },
    });
    const data = Object.fromEntries(
      Object.entries(m.data!).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    expect(Object.keys(data).sort()).toEqual(['ca.crl', 'ca.crt', 'tls.crt', 'tls.key']);
    expect(
      privateKeyMatchesSpki(new PrivateKeyPem(data['tls.key']), parseCertificate(data['tls.crt']).spkiDer),
    ).toBe(true);
    expect(data['ca.crl']).toContain('BEGIN X509 CRL');
  });

  it('keeps <name>-cacert current: every new CRL of the issuer re-applies it', async () => {
    const issued = await f.core.issuance.issueKeyed(
      { ...base, sans: { dns: ['mtls.example.com'], ip: [], uri: [] } },
      'issue-credential',
      'istio-system',
    );
    const out = await f.core.credentials.write(
      issued,
      { namespace: 'istio-system', secretName: 'mtls-credential', includeCa: true, includeCrl: true },
      alice,
      'test',
    );
    expect(out.caSecret).toMatchObject({ namespace: 'istio-system', name: 'mtls-credential-cacert' });
    const caSecrets = () => f.applied.filter((a) => a.manifest.metadata.name === 'mtls-credential-cacert');
    expect(caSecrets()).toHaveLength(1);
    expect(Object.keys(caSecrets()[0].manifest.data!).sort()).toEqual(['ca.crl', 'ca.crt']);

    const victim = await f.core.issuance.issue({ ...base, usage: 'client' });
    await f.core.revocation.revoke({ serial: victim.serial, reason: 'keyCompromise', actor: alice });
    expect(f.core.credentials.lastCrlRefresh).toEqual({
      updated: ['istio-system/httpbin-credential-cacert', 'istio-system/mtls-credential-cacert'],
      failed: [],
    });
    const latest = caSecrets().at(-1)!;
    const crl = parseCrl(Buffer.from(latest.manifest.data!['ca.crl'], 'base64').toString('utf8'));
    expect(crl.revoked.map((r) => r.serialHex)).toContain(victim.serial);
    expect(latest.actor).toEqual({ kind: 'service', name: 'ca' });
  });

  it('refuses a namespace outside the policy, and records it', async () => {
    const err = await refusal(() => f.core.issuance.issueKeyed(base, 'issue-credential', 'billing'));
    expect(err.message).toContain(
      'namespace: "billing" is not within allowed namespaces [payments, istio-system]',
    );
    expect((await decisions()).at(-1)).toMatchObject({ allowed: false, action: 'issue-credential' });
  });
});

describe('Certificate resources', () => {
  const spec = certificateResource.parse({
    namespace: 'payments',
    name: 'api',
    secretName: 'api-tls',
    issuer: 'payments-int',
    sans: { dns: ['api.example.com'] },
    duration: '24h',
    renewBefore: '8h',
  });

  it('issues on apply, renews with a new key when due, and backs off on failure', async () => {
    const applied = await f.core.certificates.apply(spec, alice);
    expect(applied).toMatchObject({
      outcome: 'created',
      certificate: { secretName: 'api-tls', issuer: 'payments-int' },
    });
    const status = applied.status;
    expect(status).toMatchObject({ ready: true, failures: 0 });
    const first = f.applied.at(-1)!;
    expect(first.manifest.metadata).toMatchObject({ namespace: 'payments', name: 'api-tls' });
    const renewAt = new Date(status.renewalTime!);
    expect(new Date(status.notAfter!).getTime() - renewAt.getTime()).toBe(8 * 3600_000);

    // Not due yet: nothing happens.
    const count = f.applied.length;
    expect(await f.core.certificates.reconcileAll()).toEqual(renewAt);
    expect(f.applied.length).toBe(count);

    // Due: a new certificate and a new key land in the Secret.
    f.clock.now = new Date(renewAt.getTime() + 1000);
    await f.core.certificates.reconcileAll();
    const renewed = (await f.core.certificates.get('payments', 'api')).status;
    expect(renewed.serial).not.toBe(status.serial);
    const key = (m: typeof first) => m.manifest.data!['tls.key'];
    expect(key(f.applied.at(-1)!)).not.toBe(key(first));

    // The secret-watcher is down: the failure is reported and retried after a backoff.
    f.clock.now = new Date(new Date(renewed.renewalTime!).getTime() + 1000);
    f.failSecretApplies(1);
    await f.core.certificates.reconcileAll();
    const failed = (await f.core.certificates.get('payments', 'api')).status;
    expect(failed).toMatchObject({ failures: 1, lastFailure: expect.stringContaining('postgres is down') });
    expect(new Date(failed.nextAttemptAt!).getTime()).toBe(f.clock.now.getTime() + 30_000);
    f.clock.now = new Date(f.clock.now.getTime() + 30_000);
    await f.core.certificates.reconcileAll();
    expect((await f.core.certificates.get('payments', 'api')).status).toMatchObject({
      failures: 0,
      ready: true,
    });
    f.clock.now = new Date();
  });

  it('reissues when the certificate was revoked, and refuses a bad schedule', async () => {
    const before = (await f.core.certificates.get('payments', 'api')).status;
    await f.core.revocation.revoke({ serial: before.serial!, reason: 'keyCompromise', actor: alice });
    await f.core.certificates.reconcileAll();
    expect((await f.core.certificates.get('payments', 'api')).status.serial).not.toBe(before.serial);
    const err = await refusal(() => f.core.certificates.apply({ ...spec, renewBefore: '48h' }, alice));
    expect(err.errors?.[0]).toMatchObject({
      field: 'certificate.renewBefore',
      message: '48h must be shorter than spec.duration 24h',
    });
  });

  it('skips a pass while another replica holds the renewal lock', async () => {
    const other = f.ds.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('keyway-ca-renewal'))`);
      const before = f.applied.length;
      f.clock.now = new Date(Date.now() + 30 * 24 * 3600_000);
      expect(await f.core.certificates.reconcileAll()).toBeNull();
      expect(f.applied.length).toBe(before);
    } finally {
      f.clock.now = new Date();
      await other.query(`SELECT pg_advisory_unlock(hashtext('keyway-ca-renewal'))`);
      await other.release();
    }
  });

  it('lists and deletes', async () => {
    expect((await f.core.certificates.list('payments')).map((c) => c.certificate.name)).toEqual(['api']);
    await f.core.certificates.delete('payments', 'api');
    expect((await refusal(() => f.core.certificates.get('payments', 'api'))).code).toBe('not_found');
  });
});

describe('revocation', () => {
  it('refuses unknown and already revoked serials', async () => {
    expect(
      (
        await refusal(() =>
          f.core.revocation.revoke({ serial: 'abcdef', reason: 'unspecified', actor: alice }),
        )
      ).code,
    ).toBe('not_found');
    const issued: IssuedCertificate = await f.core.issuance.issue(base);
    await f.core.revocation.revoke({ serial: issued.serial, reason: 'superseded', actor: alice });
    expect(
      (
        await refusal(() =>
          f.core.revocation.revoke({ serial: issued.serial, reason: 'superseded', actor: alice }),
        )
      ).code,
    ).toBe('conflict');
    const row = await f.ds.query(
      'SELECT revocation_reason, revoked_by FROM issued_certificates WHERE serial = $1',
      [issued.serial],
    );
    expect(row[0]).toEqual({ revocation_reason: 'superseded', revoked_by: alice });
  });

  it("a team cannot revoke another team's certificate: it reads as unknown and stays off the CRL", async () => {
    const issued: IssuedCertificate = await f.core.issuance.issue(base);
    const mallory = { kind: 'user' as const, name: 'mallory', team: 'billing' };
    const err = await refusal(() =>
      f.core.revocation.revoke({ serial: issued.serial, reason: 'keyCompromise', actor: mallory }),
    );
    expect(err.code).toBe('not_found');
    const crl = parseCrl((await f.core.revocation.crl('payments-int')).crlPem);
    expect(crl.revoked.map((r) => r.serialHex)).not.toContain(issued.serial);
    // Its own team and the admin (no team) may.
    await f.core.revocation.revoke({ serial: issued.serial, reason: 'superseded', actor: alice });
    const other: IssuedCertificate = await f.core.issuance.issue(base);
    await f.core.revocation.revoke({ serial: other.serial, reason: 'superseded', actor: admin });
  });

  it('numbers CRLs upward and re-signs stale ones on the periodic pass', async () => {
    const a = await f.core.revocation.crl('payments-int');
    f.clock.now = new Date(Date.now() + 13 * 3600_000);
    try {
      expect(await f.core.revocation.refreshAll()).toContain('payments-int');
      const b = await f.core.revocation.crl('payments-int');
      expect(b.crlNumber).toBeGreaterThan(a.crlNumber);
    } finally {
      f.clock.now = new Date();
    }
  });
});
