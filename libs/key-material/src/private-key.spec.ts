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
});
