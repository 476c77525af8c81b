import { ConfigError } from '#keyway/config';
import { plainGrpcPort, sdsConfig } from './config.js';

const BASE = { KEYWAY_DATA_KEYS: 'k1:' + Buffer.alloc(32).toString('base64') };
const TLS = {
  XDS_TLS_CERT_FILE: '/pki/tls.crt',
  XDS_TLS_KEY_FILE: '/pki/tls.key',
  XDS_CLIENT_CA_FILE: '/pki/ca.crt',
};

function problems(env: Record<string, string>): Record<string, string> {
  try {
    sdsConfig.load({ ...BASE, ...env });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return Object.fromEntries(e.problems.map((p) => [p.variable, p.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('sds-server listeners', () => {
  it('XDS_GRPC_PORT: 15010 by default, 0 for any free port, off for none', () => {
    expect(plainGrpcPort(sdsConfig.load(BASE))).toBe(15010);
    expect(plainGrpcPort(sdsConfig.load({ ...BASE, XDS_GRPC_PORT: '0' }))).toBe(0);
    expect(plainGrpcPort(sdsConfig.load({ ...BASE, XDS_GRPC_PORT: '15099' }))).toBe(15099);
    expect(plainGrpcPort(sdsConfig.load({ ...BASE, ...TLS, XDS_GRPC_PORT: 'off' }))).toBeUndefined();
  });

  it('with the mTLS listener configured, the token port is off unless a port is set', () => {
    expect(plainGrpcPort(sdsConfig.load({ ...BASE, ...TLS }))).toBeUndefined();
    expect(plainGrpcPort(sdsConfig.load({ ...BASE, ...TLS, XDS_GRPC_PORT: '15010' }))).toBe(15010);
  });

  it('XDS_GRPC_PORT: anything but a port or off is refused', () => {
    for (const bad of ['of', 'none', '-1', '70000', 'false'])
      expect(problems({ XDS_GRPC_PORT: bad })).toEqual({
        XDS_GRPC_PORT: 'must be a port (0-65535, 0: any free port) or off',
      });
  });

  it('refuses a config with both listeners off, naming the variables', () => {
    const found = problems({ XDS_GRPC_PORT: 'off' });
    expect(Object.keys(found)).toEqual(['XDS_GRPC_PORT']);
    expect(found.XDS_GRPC_PORT).toMatch(
      /^is off, and XDS_TLS_CERT_FILE, XDS_TLS_KEY_FILE, XDS_CLIENT_CA_FILE are unset so the mTLS listener is off too/,
    );
    expect(() => sdsConfig.load({ ...BASE, XDS_GRPC_PORT: 'off' })).toThrow(
      /sds-server: invalid configuration:\n {2}XDS_GRPC_PORT: is off, and XDS_TLS_CERT_FILE/,
    );
  });

  it('refuses some TLS files without the others instead of silently not listening on TLS', () => {
    expect(problems({ XDS_TLS_CERT_FILE: TLS.XDS_TLS_CERT_FILE })).toEqual({
      XDS_TLS_KEY_FILE: expect.stringMatching(/^is required with XDS_TLS_CERT_FILE: the mTLS listener needs/),
      XDS_CLIENT_CA_FILE: expect.stringMatching(/^is required with XDS_TLS_CERT_FILE: /),
    });
    expect(
      Object.keys(problems({ XDS_GRPC_PORT: 'off', XDS_TLS_CERT_FILE: 'a', XDS_TLS_KEY_FILE: 'b' })),
    ).toEqual(['XDS_CLIENT_CA_FILE']);
  });

  it('either listener alone is a valid config', () => {
    expect(sdsConfig.load({ ...BASE, XDS_GRPC_PORT: 'off', ...TLS }).XDS_GRPC_PORT).toBe('off');
    expect(sdsConfig.load({ ...BASE }).XDS_TLS_CERT_FILE).toBeUndefined();
  });
});
