import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { PrivateKeyPem } from '#keyway/key-material';
import { createLogger } from './logger.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) });
  return { lines, stream };
}

describe('logger', () => {
  it.each(['json', 'pretty'] as const)('never writes key material (%s)', (format) => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 't', format, destination: stream });
    log.info(
      { credential: { privateKey: pem }, key: new PrivateKeyPem(pem), data: { 'tls.key': 'c2VjcmV0' } },
      'applied',
    );
    log.error(`leaked into a message: ${pem}`);
    log.warn({ err: new Error(`in an error ${pem}`) }, 'failed');
    const all = lines.join('');
    expect(all).toContain('applied');
    expect(all).not.toContain('PRIVATE KEY-----');
    expect(all).not.toContain('c2VjcmV0');
  });

  it('writes JSON lines with the service name', () => {
    const { lines, stream } = capture();
    createLogger({ service: 'secret-watcher', destination: stream }).info(
      { namespace: 'istio-system' },
      'pushed',
    );
    expect(JSON.parse(lines[0])).toMatchObject({
      service: 'secret-watcher',
      namespace: 'istio-system',
      msg: 'pushed',
    });
  });
});
