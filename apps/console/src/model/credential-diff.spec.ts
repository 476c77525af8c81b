import { defaultPair, diffVersions } from './credential-diff.js';
import type { CredentialVersion } from './api-types.js';

const v1: CredentialVersion = {
  namespace: 'payments',
  name: 'checkout-tls',
  revision: 1,
  action: 'created',
  actor: 'user:payments-ci (team payments)',
  source: 'api',
  leafSerial: '0ca15b',
  subject: 'CN=checkout.payments.example.com',
  sans: ['DNS:checkout.payments.example.com'],
  issuer: 'CN=checkout.payments.example.com',
  notBefore: '2026-12-04T19:12:47.000Z',
  notAfter: '2027-01-03T19:12:47.000Z',
  leafFingerprint: 'b8a3',
  caFingerprints: [],
  publicKeyFingerprint: 'cd71',
  contentHash: 'f633',
};
const v2: CredentialVersion = {
  ...v1,
  revision: 2,
  action: 'updated',
  leafSerial: '42646a',
  notAfter: '2027-03-04T19:12:49.000Z',
  leafFingerprint: '4468',
  publicKeyFingerprint: 'd135',
  contentHash: '584f',
};

describe('diffVersions', () => {
  const lines = diffVersions(v1, v2);
  const line = (label: string) => lines.find((l) => l.label === label)!;

  it('puts the two serials side by side, marked changed', () => {
    expect(line('Serial')).toEqual({ label: 'Serial', left: '0ca15b', right: '42646a', changed: true });
    expect(line('Not after').changed).toBe(true);
    expect(line('Public key fingerprint (SHA-256)').changed).toBe(true);
  });

  it('unchanged facts are shown once each side, lists joined, missing ones as a dash', () => {
    expect(line('SANs')).toEqual({
      label: 'SANs',
      left: 'DNS:checkout.payments.example.com',
      right: 'DNS:checkout.payments.example.com',
      changed: false,
    });
    expect(line('CA fingerprints')).toMatchObject({ left: '—', changed: false });
    expect(line('Key type')).toMatchObject({ left: '—', right: '—' });
  });

  it('shows an allow-list of facts: nothing else a version carries, never key material', () => {
    const withKey = {
      ...v1,
      privateKeyPem: '-----BEGIN PRIVATE KEY-----',
      material: 'sealed',
    } as CredentialVersion;
    const text = JSON.stringify(diffVersions(withKey, v2));
    expect(text).not.toMatch(/PRIVATE KEY|sealed/);
    expect(lines.map((l) => l.label)).toEqual([
      'Revision',
      'Action',
      'Actor',
      'Source',
      'Recorded',
      'Subject',
      'SANs',
      'Issuer',
      'Serial',
      'Not before',
      'Not after',
      'Key type',
      'Leaf fingerprint (SHA-256)',
      'Public key fingerprint (SHA-256)',
      'CA fingerprints',
      'Content hash',
    ]);
  });
});

describe('defaultPair', () => {
  it.each([
    [[], {}, undefined],
    [[1], {}, { left: 1, right: 1 }],
    [[1, 2, 3], {}, { left: 2, right: 3 }],
    [[3, 1, 2], { left: 1 }, { left: 1, right: 3 }],
    [[1, 2, 3], { left: 1, right: 2 }, { left: 1, right: 2 }],
    [[1, 2, 3], { left: 9, right: NaN }, { left: 2, right: 3 }],
  ])('%j asked %j -> %j', (revisions, asked, pair) => {
    expect(defaultPair(revisions, asked)).toEqual(pair);
  });
});
