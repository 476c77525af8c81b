import { chainCaRecords, verifyCaRecords, type CaRecord, type ChainedCaRecord } from './ca-record-chain.js';

const records: CaRecord[] = [
  {
    kind: 'decision',
    at: '2026-12-04T09:00:00.000Z',
    issuer: 'int',
    serial: null,
    actor: { kind: 'user', name: 'a' },
    detail: { allowed: true },
  },
  {
    kind: 'issuance',
    at: '2026-12-04T09:00:00.000Z',
    issuer: 'int',
    serial: '0a',
    actor: { kind: 'user', name: 'a' },
    detail: { subject: 'CN=x' },
  },
  {
    kind: 'revocation',
    at: '2026-12-04T09:01:00.000Z',
    issuer: 'int',
    serial: '0a',
    actor: { kind: 'user', name: 'b' },
    detail: { reason: 'keyCompromise' },
  },
  {
    kind: 'crl',
    at: '2026-12-04T09:01:00.000Z',
    issuer: 'int',
    serial: null,
    actor: null,
    detail: { crlNumber: 2 },
  },
];

function chained(): ChainedCaRecord[] {
  return chainCaRecords(null, records).map((link, i) => ({ ...records[i]!, ...link, seq: i + 1 }));
}

describe('the CA record chain', () => {
  it('holds as written, across appends from a head', () => {
    const rows = chained();
    expect(verifyCaRecords(rows)).toEqual({ ok: true, checkedRows: 4, headHash: rows[3]!.rowHash });
    const more = chainCaRecords(rows[3]!.rowHash, [records[0]!]);
    expect(more[0]!.previousHash).toBe(rows[3]!.rowHash);
  });

  it.each([
    ['a changed row', (r: ChainedCaRecord[]) => (r[1]!.detail = { subject: 'CN=forged' }), 2, /was changed/],
    ['a removed row', (r: ChainedCaRecord[]) => r.splice(2, 1), 4, /removed or inserted/],
    [
      'an inserted row',
      // A replayed copy of row 2 fits after row 1; the original row 2 after it no longer does.
      (r: ChainedCaRecord[]) => r.splice(1, 0, { ...r[1]!, seq: 99 }),
      2,
      /removed or inserted/,
    ],
    [
      'a rehashed row whose successor still points at the original',
      (r: ChainedCaRecord[]) => {
        r[0]!.detail = { allowed: false };
        r[0]!.rowHash = chainCaRecords(null, [r[0]!])[0]!.rowHash;
      },
      2,
      /removed or inserted/,
    ],
  ])('breaks at %s', (_what, tamper, seq, reason) => {
    const rows = chained();
    tamper(rows);
    const v = verifyCaRecords(rows);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toEqual({ seq, reason: expect.stringMatching(reason) });
  });
});
