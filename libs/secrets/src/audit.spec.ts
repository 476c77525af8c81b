import { containsPrivateKeyPem } from '#keyway/key-material';
import { auditEntry, chainRow, rowHash, verifyChain, type ChainedAuditRow } from './audit.js';
import { resolveCredentials } from './resolve.js';
import { makeIntermediate, makeLeaf, makeRoot, secret } from './testing/certificates.js';

const root = makeRoot('audit root');
const inter = makeIntermediate(root, 'audit intermediate');
const leaf = makeLeaf(inter, {
  dns: ['httpbin.example.com', 'www.httpbin.example.com'],
  serialHex: '0badc0de',
});
const resolution = resolveCredentials([
  secret('httpbin-credential', { cert: leaf.pem + inter.pem, key: leaf.keyPem, cacert: root.pem }),
]);
const tls = resolution.credentials.find((c) => c.kind === 'tls-certificate')!;
const ca = resolution.credentials.find((c) => c.kind === 'validation-context')!;

function history(n: number): ChainedAuditRow[] {
  const rows: ChainedAuditRow[] = [];
  for (let i = 1; i <= n; i++) {
    const entry = auditEntry({
      namespace: 'default',
      name: 'httpbin-credential',
      revision: i,
      action: i === 1 ? 'created' : 'updated',
      source: 'api',
      actor: 'user:alice (team payments)',
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      credential: tls,
    });
    rows.push(chainRow(rows.at(-1), entry));
  }
  return rows;
}

describe('audit rows', () => {
  it('shapes a tls-certificate version: identity, validity, fingerprints; never the key', () => {
    const row = auditEntry({
      namespace: 'default',
      name: 'httpbin-credential',
      revision: 1,
      action: 'created',
      source: 'api',
      actor: 'user:alice',
      recordedAt: '2026-01-01T00:00:00.000Z',
      credential: tls,
    });
    expect(row).toMatchObject({
      leafSerial: '0badc0de',
      subject: 'CN=httpbin.example.com, O=httpbin organization',
      issuer: 'CN=audit intermediate',
      sans: ['DNS:httpbin.example.com', 'DNS:www.httpbin.example.com'],
      contentHash: tls.contentHash,
      reason: null,
    });
    expect(row.leafFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(row.publicKeyFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(row.caFingerprints).toEqual([tls.cas[0].fingerprint]);
    expect(containsPrivateKeyPem(JSON.stringify(row))).toBe(false);
    // Compared as a boolean so a failure cannot print the key.
    expect(JSON.stringify(row).includes(leaf.keyPem.split('\n')[1])).toBe(false);
  });

  it('shapes a validation context from its CAs, and a rejection or deletion without one', () => {
    const row = auditEntry({
      namespace: 'default',
      name: 'httpbin-credential-cacert',
      revision: 1,
      action: 'created',
      source: 'file',
      actor: 'file:a.yaml',
      recordedAt: 'x',
      credential: ca,
    });
    expect(row).toMatchObject({
      leafSerial: null,
      leafFingerprint: null,
      subject: 'CN=audit root, O=keyway tests',
      sans: [],
    });
    expect(row.caFingerprints).toEqual([ca.cas[0].fingerprint]);
    const rejected = auditEntry({
      namespace: 'default',
      name: 'x',
      revision: 2,
      action: 'rejected',
      source: 'api',
      actor: 'user:bob',
      recordedAt: 'x',
      reason: 'data.cert: certificate has expired',
    });
    expect(rejected).toMatchObject({
      contentHash: null,
      subject: null,
      caFingerprints: [],
      reason: 'data.cert: certificate has expired',
    });
    const deleted = auditEntry({
      namespace: 'default',
      name: 'x',
      revision: 3,
      action: 'deleted',
      source: 'api',
      actor: 'user:bob',
      recordedAt: 'x',
      contentHash: tls.contentHash,
    });
    expect(deleted.contentHash).toBe(tls.contentHash);
  });

  it('chains rows: each carries the hash of the one before', () => {
    const rows = history(3);
    expect(rows[0].previousHash).toBeNull();
    expect(rows[1].previousHash).toBe(rows[0].rowHash);
    expect(rows[2].rowHash).toBe(rowHash(rows[1].rowHash, rows[2]));
    expect(verifyChain(rows)).toEqual({ ok: true, checkedCredentials: 1, checkedRows: 3 });
  });

  it('a storage id or other extra column does not change the hash', () => {
    const [row] = history(1);
    expect(rowHash(null, { ...row, id: 42 } as ChainedAuditRow)).toBe(row.rowHash);
  });

  it.each([
    [
      'a changed field',
      (r: ChainedAuditRow[]) => (r[1] = { ...r[1], actor: 'user:mallory' }),
      2,
      "rowHash does not match the row's content (the row was changed)",
    ],
    [
      'a removed row',
      (r: ChainedAuditRow[]) => r.splice(1, 1),
      3,
      'revision 3 where 2 was expected (a row is missing or out of order)',
    ],
    [
      'a rewritten link',
      (r: ChainedAuditRow[]) => (r[2] = { ...r[2], previousHash: r[0].rowHash }),
      3,
      'previousHash does not match the hash of the row before it',
    ],
    [
      'a forged row with a recomputed hash',
      (r: ChainedAuditRow[]) => (r[1] = chainRow(r[0], { ...r[1], reason: 'forged' })),
      3,
      'previousHash does not match the hash of the row before it',
    ],
  ])('reports the first broken row after %s', (_what, tamper, revision, reason) => {
    const rows = history(4);
    tamper(rows);
    const result = verifyChain(rows);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({
      namespace: 'default',
      name: 'httpbin-credential',
      revision,
      reason,
    });
  });

  it('verifies several credentials whose rows interleave', () => {
    const a = history(2);
    const b = history(2).map((r) => ({ ...r, name: 'other' }));
    const rechained: ChainedAuditRow[] = [];
    for (const r of b) rechained.push(chainRow(rechained.at(-1), r));
    expect(verifyChain([a[0], rechained[0], a[1], rechained[1]])).toEqual({
      ok: true,
      checkedCredentials: 2,
      checkedRows: 4,
    });
  });
});

describe('a leaf with no subject (SANs only)', () => {
  it('resolves, summarizes and audits with a null subject', async () => {
    const { issueCertificate } = await import('#keyway/pki');
    const r = issueCertificate({
      profile: 'server',
      sans: { dns: ['san-only.example.com'] },
      notAfter: new Date(Date.now() + 86_400_000 * 60),
      issuer: root.issuer,
    });
    const res = resolveCredentials([
      secret('san-only', { cert: r.pem, key: r.keyPair!.privateKeyPem.reveal() }),
    ]);
    expect(res.errors).toEqual([]);
    const row = auditEntry({
      namespace: 'default',
      name: 'san-only',
      revision: 1,
      action: 'created',
      source: 'api',
      actor: 'a',
      recordedAt: 'x',
      credential: res.credentials[0],
    });
    expect(row.subject).toBeNull();
    expect(row.sans).toEqual(['DNS:san-only.example.com']);
  });
});
