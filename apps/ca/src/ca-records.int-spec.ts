/**
 * Issue #15.2: every decision, issuance, revocation and CRL publication is a row of the CA's hash
 * chain, written in the same transaction as what it records; a row changed behind the ca's back (by
 * the owner, who can switch the append-only triggers off) is found by verify.
 */
import { startCaFixture, alice, type CaFixture } from './testing/ca-test-fixture.js';

let f: CaFixture;

beforeAll(async () => {
  f = await startCaFixture();
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const base = {
  schemaVersion: 1 as const,
  issuer: 'payments-int',
  sans: { dns: ['records.example.com'], ip: [] as string[], uri: [] as string[] },
  keyType: 'ecdsa-p256' as const,
  usage: 'server' as const,
  actor: alice,
};

const kinds = async (): Promise<string[]> =>
  ((await f.ds.query('SELECT kind FROM ca_records ORDER BY seq')) as Array<{ kind: string }>).map(
    (r) => r.kind,
  );

it('records a refused request, an issuance, its revocation and the CRL that lists it, chained', async () => {
  const before = (await kinds()).length;
  await f.core.issuance.issue({ ...base, sans: { ...base.sans, dns: ['evil.com'] } }).catch(() => undefined);
  const issued = await f.core.issuance.issue(base);
  await f.core.revocation.revoke({ serial: issued.serial, reason: 'keyCompromise', actor: alice });
  await f.core.revocation.crl('payments-int');
  const added = (await kinds()).slice(before);
  expect(added).toEqual(['decision', 'decision', 'issuance', 'revocation', 'crl']);
  const rows = (await f.ds.query(
    `SELECT kind, serial, detail FROM ca_records WHERE serial = $1 ORDER BY seq`,
    [issued.serial],
  )) as Array<{ kind: string; detail: Record<string, unknown> }>;
  expect(rows.map((r) => r.kind)).toEqual(['decision', 'issuance', 'revocation']);
  expect(JSON.stringify(await f.ds.query('SELECT * FROM ca_records'))).not.toMatch(/PRIVATE KEY/);
  const v = await f.core.verifyRecords();
  expect(v).toMatchObject({ ok: true, checkedRows: before + 5 });
});

it('refuses an update as a table, and verify finds one made with the triggers off', async () => {
  await expect(f.ds.query(`UPDATE ca_records SET detail = '{}' WHERE kind = 'revocation'`)).rejects.toThrow(
    /ca_records is append-only/,
  );
  const target = (await f.ds.query(`SELECT seq FROM ca_records WHERE kind = 'revocation' LIMIT 1`)) as Array<{
    seq: string;
  }>;
  await f.ds.transaction(async (m) => {
    await m.query('ALTER TABLE ca_records DISABLE TRIGGER ca_records_no_change');
    await m.query(`UPDATE ca_records SET detail = '{"reason":"superseded"}' WHERE seq = $1`, [
      target[0]!.seq,
    ]);
    await m.query('ALTER TABLE ca_records ENABLE TRIGGER ca_records_no_change');
  });
  const v = await f.core.verifyRecords();
  expect(v.ok).toBe(false);
  expect(v.firstBroken).toEqual({
    seq: Number(target[0]!.seq),
    reason: expect.stringMatching(/was changed/),
  });
});

it('reads the record back as audit events, newest first, filtered by kind, team and actor', async () => {
  const issued = await f.core.issuance.issue({
    ...base,
    sans: { ...base.sans, dns: ['events.example.com'] },
  });
  const { items } = await f.core.recordEvents({
    kinds: ['ca-issuance', 'ca-decision'],
    team: 'payments',
    limit: 2,
  });
  expect(items.map((e) => [e.kind, e.action, e.serial, e.actor, e.team])).toEqual([
    ['ca-issuance', 'issued', issued.serial, 'user:alice (team payments)', 'payments'],
    ['ca-decision', 'allowed', issued.serial, 'user:alice (team payments)', 'payments'],
  ]);
  expect(items[0]!.id > items[1]!.id).toBe(true);
  const refused = await f.core.recordEvents({ kinds: ['ca-decision'], actor: 'alice', limit: 100 });
  expect(refused.items.some((e) => e.action === 'refused' && /evil\.com/.test(e.detail ?? ''))).toBe(true);
  expect((await f.core.recordEvents({ kinds: ['ca-issuance'], team: 'billing', limit: 10 })).items).toEqual(
    [],
  );
  expect((await f.core.recordEvents({ kinds: ['ca-crl'], namespace: 'payments', limit: 10 })).items).toEqual(
    [],
  );
  const next = await f.core.recordEvents({
    kinds: ['ca-issuance', 'ca-decision'],
    limit: 1,
    before: items[0]!,
  });
  expect(next.items[0]!.id).toBe(items[1]!.id);
});
