import { credentialRow, filterRows, latestActors, sortRows, type CredentialRow } from './credential-rows.js';

const secret = (ns: string, name: string, a: Record<string, string>) => ({
  type: 'kubernetes.io/tls',
  metadata: { namespace: ns, name, annotations: a },
});

const row = (over: Partial<CredentialRow>): CredentialRow => ({
  key: `${over.namespace ?? 'a'}/${over.name ?? 'x'}`,
  namespace: 'a',
  name: 'x',
  type: 'kubernetes.io/tls',
  revision: 1,
  serial: '',
  sans: [],
  issuer: '',
  notAfter: undefined,
  sources: 'api',
  lastChange: undefined,
  ...over,
});

describe('credentialRow', () => {
  it("reads a Secret's keyway annotations", () => {
    expect(
      credentialRow(
        secret('payments', 'checkout-tls', {
          'keyway.io/revision': '2',
          'keyway.io/serial': '42ab',
          'keyway.io/hosts': 'a.example.com,b.example.com',
          'keyway.io/issuer': 'CN=ca',
          'keyway.io/not-after': '2027-03-04T19:12:49.000Z',
          'keyway.io/sources': 'api,kubernetes',
          'keyway.io/updated-at': '2026-12-04T19:12:50.087Z',
        }),
      ),
    ).toEqual({
      key: 'payments/checkout-tls',
      namespace: 'payments',
      name: 'checkout-tls',
      type: 'kubernetes.io/tls',
      revision: 2,
      serial: '42ab',
      sans: ['a.example.com', 'b.example.com'],
      issuer: 'CN=ca',
      notAfter: Date.parse('2027-03-04T19:12:49.000Z'),
      sources: 'api,kubernetes',
      lastChange: Date.parse('2026-12-04T19:12:50.087Z'),
    });
  });

  it('a Secret without a certificate has no serial, SANs or expiry', () => {
    const r = credentialRow({ metadata: { namespace: 'n', name: 'opaque', annotations: {} } });
    expect(r).toMatchObject({ type: 'Opaque', serial: '', sans: [], notAfter: undefined, revision: 0 });
  });
});

describe('filterRows', () => {
  const rows = [
    row({ namespace: 'payments', name: 'checkout', serial: 'ab12', sans: ['pay.example.com'], notAfter: 10 }),
    row({ namespace: 'storefront', name: 'shop', issuer: 'CN=Shop CA', notAfter: 100, actor: 'user:ci' }),
    row({ namespace: 'storefront', name: 'opaque' }),
  ];
  it.each([
    ['every row for an empty filter', {}, ['checkout', 'shop', 'opaque']],
    ['by namespace', { namespace: 'storefront' }, ['shop', 'opaque']],
    ['by a SAN word', { text: 'PAY.example' }, ['checkout']],
    ['by issuer', { text: 'shop ca' }, ['shop']],
    ['by actor', { text: 'user:ci' }, ['shop']],
    ['by serial', { text: 'ab12' }, ['checkout']],
    ['all words must match', { text: 'shop payments' }, []],
    ['expiring before a time, without rows that hold no certificate', { expiresBefore: 50 }, ['checkout']],
  ])('%s', (_what, filter, names) => {
    expect(filterRows(rows, filter).map((r) => r.name)).toEqual(names);
  });
});

describe('sortRows', () => {
  const rows = [
    row({ name: 'b', notAfter: 20 }),
    row({ name: 'a', notAfter: undefined }),
    row({ name: 'c', notAfter: 10 }),
  ];
  it('ascending, missing values last', () => {
    expect(sortRows(rows, { key: 'notAfter', descending: false }).map((r) => r.name)).toEqual([
      'c',
      'b',
      'a',
    ]);
  });
  it('descending, missing values still last', () => {
    expect(sortRows(rows, { key: 'notAfter', descending: true }).map((r) => r.name)).toEqual(['b', 'c', 'a']);
  });
  it('by text, ties broken by key, the input untouched', () => {
    const same = [row({ name: 'y', type: 't' }), row({ name: 'x', type: 't' })];
    expect(sortRows(same, { key: 'type', descending: false }).map((r) => r.name)).toEqual(['x', 'y']);
    expect(same.map((r) => r.name)).toEqual(['y', 'x']);
  });
});

describe('latestActors', () => {
  it("keeps each credential's newest version's actor, ignoring other kinds", () => {
    const actors = latestActors([
      { kind: 'api-request', actor: 'admin' },
      { kind: 'credential-version', namespace: 'p', name: 'c', actor: 'user:new' },
      { kind: 'credential-version', namespace: 'p', name: 'c', actor: 'user:old' },
      { kind: 'rejected-version', namespace: 'p', name: 'd', actor: 'user:x' },
    ]);
    expect([...actors]).toEqual([['p/c', 'user:new']]);
  });
});
