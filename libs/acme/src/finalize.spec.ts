import { createCsr, generateKeyPair, type SansInput } from '#keyway/pki';
import { checkFinalizeCsr } from './finalize.js';
import { errorOf } from './testing/error-of.js';
import { revocationReasonOf } from './revocation.js';

const keyPair = generateKeyPair('ecdsa-p256');
const csr = (sans: SansInput, commonName?: string) =>
  Buffer.from(
    createCsr({ subject: commonName ? { commonName } : undefined, sans, keyPair })
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, ''),
    'base64',
  ).toString('base64url');
const ids = [
  { type: 'dns' as const, value: 'a.example.com' },
  { type: 'dns' as const, value: 'b.example.com' },
];

describe('checkFinalizeCsr (RFC 8555 §7.4)', () => {
  it('accepts a CSR naming exactly the identifiers and answers it as PEM', () => {
    expect(checkFinalizeCsr(csr({ dns: ['b.example.com', 'a.example.com'] }, 'a.example.com'), ids)).toMatch(
      /^-----BEGIN CERTIFICATE REQUEST-----/,
    );
  });
  it.each([
    ['a missing name', csr({ dns: ['a.example.com'] }), 'badCSR'],
    ['an extra name', csr({ dns: ['a.example.com', 'b.example.com', 'c.example.com'] }), 'badCSR'],
    [
      'a common name outside the order',
      csr({ dns: ['a.example.com', 'b.example.com'] }, 'c.example.com'),
      'badCSR',
    ],
    ['an IP SAN', csr({ dns: ['a.example.com', 'b.example.com'], ip: ['10.0.0.1'] }), 'badCSR'],
    ['bytes that are not a CSR', Buffer.from('nope').toString('base64url'), 'badCSR'],
    ['a value that is not base64url', 'a+b/', 'malformed'],
    ['no value', undefined, 'malformed'],
    ['a huge value', 'A'.repeat(40_000), 'badCSR'],
  ])('refuses %s', (_name, value, type) => {
    expect(errorOf(() => checkFinalizeCsr(value, ids))).toBe(type);
  });
});

describe('revocationReasonOf (RFC 8555 §7.6)', () => {
  it.each([
    [undefined, 'unspecified', undefined],
    [0, 'unspecified', undefined],
    [1, 'keyCompromise', undefined],
    [4, 'superseded', undefined],
    [5, 'cessationOfOperation', undefined],
    [6, undefined, 'badRevocationReason'],
    [7, undefined, 'badRevocationReason'],
    [-1, undefined, 'badRevocationReason'],
    ['1', undefined, 'badRevocationReason'],
  ])('reason %j', (code, name, type) => {
    expect(errorOf(() => revocationReasonOf(code))).toBe(type);
    if (name) expect(revocationReasonOf(code)).toBe(name);
  });
});
