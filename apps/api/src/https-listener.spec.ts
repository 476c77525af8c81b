import { testDataKeys } from '#keyway/testing';
import { apiConfig } from './config.js';

const base = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
  KEYWAY_DATA_KEYS: testDataKeys(),
};

describe('the api HTTPS variables', () => {
  it.each([
    ['none set: no HTTPS listener', {}, []],
    [
      'all three',
      { HTTPS_PORT: '8444', HTTPS_CERT_FILE: '/tls/tls.crt', HTTPS_KEY_FILE: '/tls/tls.key' },
      [],
    ],
    ['a port without files', { HTTPS_PORT: '8444' }, ['HTTPS_CERT_FILE', 'HTTPS_KEY_FILE']],
    ['files without a port', { HTTPS_CERT_FILE: '/c', HTTPS_KEY_FILE: '/k' }, ['HTTPS_PORT']],
    ['a certificate without its key', { HTTPS_PORT: '8444', HTTPS_CERT_FILE: '/c' }, ['HTTPS_KEY_FILE']],
  ])('%s', (_name, env, missing) => {
    const load = () => apiConfig.load({ ...base, ...env });
    if (missing.length === 0) return void expect(load).not.toThrow();
    let message = '';
    try {
      load();
    } catch (e) {
      message = (e as Error).message;
    }
    for (const variable of missing) expect(message).toContain(`${variable}: is required with`);
    expect(message).toContain('the HTTPS listener needs HTTPS_PORT, HTTPS_CERT_FILE, HTTPS_KEY_FILE');
  });
});
