import { PemError } from './errors.js';
import { decodePem, decodePemBlocks, encodePem, pemBlockTexts, splitPemBundle, toDer } from './pem.js';

const der = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

describe('PEM', () => {
  it('armours with 64-character lines and decodes back', () => {
    const pem = encodePem('CERTIFICATE', der(100, 0x30));
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines.slice(1, -1).map((l) => l.length)).toEqual([64, 64, 8]);
    expect(pem.endsWith('\n')).toBe(true);
    expect(decodePem(pem, 'CERTIFICATE').equals(der(100, 0x30))).toBe(true);
  });

  it('splits a bundle into its certificate blocks in order, skipping text and other blocks', () => {
    const a = encodePem('CERTIFICATE', der(10, 1));
    const b = encodePem('CERTIFICATE', der(20, 2));
    const c = encodePem('CERTIFICATE', der(30, 3));
    const other = encodePem('X509 CRL', der(5, 4));
    const messy = `subject=CN=leaf\r\n${a.replace(/\n/g, '\r\n')}\n\n${other}issuer=CN=ca\n  ${b}${c.replace(/\n/g, '\n  ')}`;
    expect(splitPemBundle(messy)).toEqual([a, b, c]);
    expect(decodePemBlocks(messy).map((x) => x.label)).toEqual([
      'CERTIFICATE',
      'X509 CRL',
      'CERTIFICATE',
      'CERTIFICATE',
    ]);
    expect(splitPemBundle('no pem here')).toEqual([]);
  });

  it('accepts DER bytes, PEM text, and PEM held in a Buffer', () => {
    const bytes = Buffer.from([0x30, 0x00]);
    const pem = encodePem('X509 CRL', bytes);
    expect(toDer(bytes, 'X509 CRL')).toBe(bytes);
    expect(toDer(pem, 'X509 CRL').equals(bytes)).toBe(true);
    expect(toDer(Buffer.from(`\n${pem}`), 'X509 CRL').equals(bytes)).toBe(true);
  });

  it.each([
    [
      'mismatched labels',
      '-----BEGIN CERTIFICATE-----\nMAA=\n-----END X509 CRL-----\n',
      /BEGIN CERTIFICATE closed by END X509 CRL/,
    ],
    ['bad base64', '-----BEGIN CERTIFICATE-----\nM*A=\n-----END CERTIFICATE-----\n', /not valid base64/],
    ['missing END', '-----BEGIN CERTIFICATE-----\nMAA=\n', /no matching END/],
    [
      'encrypted headers',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMAA=\n-----END RSA PRIVATE KEY-----\n',
      /headers/,
    ],
    ['empty body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', /empty body/],
  ])('rejects %s with a PemError', (_name, text, message) => {
    expect(() => decodePemBlocks(text)).toThrow(message);
    expect(() => decodePemBlocks(text)).toThrow(PemError);
  });

  it('says which labels it found when the wanted one is missing', () => {
    expect(() => decodePem(encodePem('X509 CRL', der(2, 0)), 'CERTIFICATE')).toThrow(
      'pem: expected a CERTIFICATE block, found X509 CRL',
    );
    expect(() => decodePem('', 'CERTIFICATE')).toThrow(
      'pem: expected a CERTIFICATE block, no PEM block found',
    );
  });

  it.each([
    ['none', 'no armour here', 'CERTIFICATE', []],
    [
      'in order, text between kept out, other labels skipped',
      'x\n-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n-----BEGIN X509 CRL-----\nBB==\n-----END X509 CRL-----\n-----BEGIN CERTIFICATE-----\r\nCC==\r\n-----END CERTIFICATE-----',
      'CERTIFICATE',
      [
        '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----',
        '-----BEGIN CERTIFICATE-----\r\nCC==\r\n-----END CERTIFICATE-----',
      ],
    ],
    [
      'a label with a space',
      '-----BEGIN X509 CRL-----\nBB==\n-----END X509 CRL-----',
      'X509 CRL',
      ['-----BEGIN X509 CRL-----\nBB==\n-----END X509 CRL-----'],
    ],
    ['an unterminated last block is left out', '-----BEGIN CERTIFICATE-----\nAA==\n', 'CERTIFICATE', []],
  ])('pemBlockTexts: %s, byte for byte', (_what, text, label, blocks) =>
    expect(pemBlockTexts(text, label)).toEqual(blocks),
  );
});
