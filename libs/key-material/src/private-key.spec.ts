import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { PrivateKeyPem, containsPrivateKeyPem, redactKeyMaterial } from './private-key.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

describe('PrivateKeyPem', () => {
  const key = new PrivateKeyPem(pem);

  it.each([
    ['JSON.stringify', () => JSON.stringify({ key })],
    ['util.inspect', () => inspect({ nested: { key } }, { depth: 10 })],
    ['String()', () => String(key)],
    ['template literal', () => `${key}`],
    ['error message', () => new Error(`bad ${key}`).message],
  ])('never shows the key through %s', (_how, render) => {
    const out = render();
    expect(out).toContain('[REDACTED PRIVATE KEY]');
    expect(out).not.toContain('PRIVATE KEY-----');
    expect(containsPrivateKeyPem(out)).toBe(false);
  });

  it('never shows the key in a captured pino log line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    pino({}, sink).info({ key, credential: { key } }, 'applied');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('PRIVATE KEY-----');
    expect(lines[0]).toContain('[REDACTED PRIVATE KEY]');
  });

  it('reveals the PEM only on request', () => {
    expect(key.reveal()).toBe(pem);
    expect(key.digest()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('redacts PEM keys inside free text', () => {
    const text = `oops ${pem.trim()} trailing`;
    expect(containsPrivateKeyPem(text)).toBe(true);
    expect(redactKeyMaterial(text)).toBe('oops [REDACTED PRIVATE KEY] trailing');
  });

  it.each([
    {
      case: 'two keys and a certificate',
      text: 'a -----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY----- b -----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE----- -----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY----- z',
      out: 'a [REDACTED PRIVATE KEY] b -----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE----- [REDACTED PRIVATE KEY] z',
    },
    {
      case: 'a key cut short by truncation is still redacted',
      text: 'nack: -----BEGIN RSA PRIVATE KEY-----\nMIIEow...',
      out: 'nack: [REDACTED PRIVATE KEY]',
    },
    {
      case: 'inside a JSON log line, a cut key ends at its string',
      text: '{"error":"-----BEGIN PRIVATE KEY-----\\nMIIE","n":1}',
      out: '{"error":"[REDACTED PRIVATE KEY]","n":1}',
    },
    {
      case: 'an END of another label does not close the block',
      text: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY----- tail',
      out: '[REDACTED PRIVATE KEY]',
    },
    {
      case: 'a certificate alone is kept',
      text: '-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----',
      out: '-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----',
    },
  ])('$case', ({ text, out }) => {
    expect(redactKeyMaterial(text)).toBe(out);
  });

  /**
   * Linear time on what a hostile client sends (a NACK message, a YAML body): 4 MiB of BEGIN lines
   * with no END, of certificate headers, of near-headers. The bound is loose for a loaded CI machine;
   * the quadratic scan this replaced took seconds on 512 KiB.
   */
  it.each([
    { case: 'BEGIN PRIVATE KEY lines without an END', line: '-----BEGIN PRIVATE KEY-----\n' },
    { case: 'BEGIN CERTIFICATE lines', line: '-----BEGIN CERTIFICATE-----\n' },
    { case: 'near-headers', line: '-----BEGIN AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n' },
    { case: 'END lines', line: '-----END PRIVATE KEY-----\n' },
  ])('4 MiB of $case are scanned in linear time', ({ line }) => {
    const text = line.repeat(Math.ceil((4 * 1024 * 1024) / line.length));
    const started = performance.now();
    const out = redactKeyMaterial(text);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(500);
    expect(out.length).toBeLessThanOrEqual(text.length);
  });
});
