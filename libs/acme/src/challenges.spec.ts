import { issueCertificate } from '#keyway/pki';
import {
  challengeTypesFor,
  checkDns01Records,
  checkHttp01Body,
  checkTlsAlpnCertificate,
  dns01RecordName,
  dns01Value,
  http01Path,
  keyAuthorization,
} from './challenges.js';
import { errorOf } from './testing/error-of.js';
import { alpnChallengeCertificate } from '#keyway/testing';

const keyAuth = keyAuthorization('tok3n', 'thumb');

describe('challenge types', () => {
  it.each([
    [false, ['http-01', 'tls-alpn-01', 'dns-01']],
    [true, ['dns-01']],
  ])('wildcard %s offers %j', (wildcard, types) => {
    expect(challengeTypesFor(wildcard)).toEqual(types);
  });
});

describe('http-01 (RFC 8555 §8.3)', () => {
  it('names the well-known path and the key authorization', () => {
    expect(http01Path('tok3n')).toBe('/.well-known/acme-challenge/tok3n');
    expect(keyAuth).toBe('tok3n.thumb');
  });
  it.each([
    ['the key authorization', 'tok3n.thumb', undefined],
    ['with a trailing newline', 'tok3n.thumb\r\n', undefined],
    ['another token', 'other.thumb', 'incorrectResponse'],
    ['leading whitespace', ' tok3n.thumb', 'incorrectResponse'],
    ['an empty body', '', 'incorrectResponse'],
  ])('%s', (_name, body, type) => {
    expect(errorOf(() => checkHttp01Body(body, keyAuth))).toBe(type);
  });
});

describe('dns-01 (RFC 8555 §8.4)', () => {
  it('names the record and digests the key authorization', () => {
    expect(dns01RecordName('example.com')).toBe('_acme-challenge.example.com');
    // SHA-256("tok3n.thumb"), base64url without padding.
    expect(dns01Value(keyAuth)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
  it.each([
    ['the digest', [[dns01Value(keyAuth)]], undefined],
    [
      'the digest split into chunks',
      [[dns01Value(keyAuth).slice(0, 10), dns01Value(keyAuth).slice(10)]],
      undefined,
    ],
    ['the digest among others', [['v=spf1'], [dns01Value(keyAuth)]], undefined],
    ['no record', [], 'incorrectResponse'],
    ['another digest', [[dns01Value('x.y')]], 'incorrectResponse'],
  ])('%s', (_name, records, type) => {
    expect(errorOf(() => checkDns01Records(records, keyAuth))).toBe(type);
  });
});

describe('tls-alpn-01 (RFC 8737)', () => {
  const plain = issueCertificate({
    profile: 'server',
    sans: { dns: ['a.example.com'] },
    notAfter: new Date(Date.now() + 3_600_000),
  });
  it.each([
    ['the challenge certificate', alpnChallengeCertificate('a.example.com', keyAuth).der, undefined],
    [
      'a non-critical acmeIdentifier',
      alpnChallengeCertificate('a.example.com', keyAuth, { critical: false }).der,
      'incorrectResponse',
    ],
    [
      'another key authorization',
      alpnChallengeCertificate('a.example.com', keyAuth, { digestOf: 'x.y' }).der,
      'incorrectResponse',
    ],
    [
      'a second SAN',
      alpnChallengeCertificate('a.example.com', keyAuth, { extraNames: ['b.example.com'] }).der,
      'incorrectResponse',
    ],
    ['another name', alpnChallengeCertificate('b.example.com', keyAuth).der, 'incorrectResponse'],
    ['no acmeIdentifier', plain.der, 'incorrectResponse'],
    ['bytes that are not a certificate', Buffer.from('not DER'), 'tls'],
  ])('%s', (_name, der, type) => {
    expect(errorOf(() => checkTlsAlpnCertificate(der, 'a.example.com', keyAuth))).toBe(type);
  });
});
