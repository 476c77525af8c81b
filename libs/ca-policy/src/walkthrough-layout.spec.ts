import { generateKeyPairSync } from 'node:crypto';
import { PrivateKeyPem } from '#keyway/key-material';
import { splitPemCertificates, walkthroughLayout, type WalkthroughInput } from './walkthrough-layout.js';

// The layout only moves PEM blocks around, so placeholder bodies are enough here; the CA service
// tests run the real files through openssl and curl.
const cert = (tag: string) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(tag).toString('base64')}\n-----END CERTIFICATE-----`;
const key = () =>
  new PrivateKeyPem(
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string,
  );

const input = (): WalkthroughInput => ({
  host: 'httpbin.example.com',
  caChainPems: [cert('intermediate'), cert('root')],
  server: { certificatePem: cert('server'), privateKey: key() },
  client: { certificatePem: cert('client'), privateKey: key() },
});

describe('walkthroughLayout', () => {
  it('writes generate.sh paths, sorted, keys as PrivateKeyPem', () => {
    const r = walkthroughLayout(input());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.files.map((f) => [f.path, f.kind, f.mode.toString(8)])).toEqual([
      ['1_root/certs/ca.cert.pem', 'certificate', '644'],
      ['2_intermediate/certs/ca-chain.cert.pem', 'certificate', '644'],
      ['2_intermediate/certs/intermediate.cert.pem', 'certificate', '644'],
      ['3_application/certs/httpbin.example.com.cert.pem', 'certificate', '644'],
      ['3_application/private/httpbin.example.com.key.pem', 'private-key', '600'],
      ['4_client/certs/httpbin.example.com.cert.pem', 'certificate', '644'],
      ['4_client/private/httpbin.example.com.key.pem', 'private-key', '600'],
    ]);
    const byPath = new Map(r.files.map((f) => [f.path, f.content]));
    expect(byPath.get('2_intermediate/certs/ca-chain.cert.pem')).toBe(
      `${cert('intermediate')}\n${cert('root')}\n`,
    );
    expect(byPath.get('1_root/certs/ca.cert.pem')).toBe(`${cert('root')}\n`);
    expect(byPath.get('3_application/private/httpbin.example.com.key.pem')).toBeInstanceOf(PrivateKeyPem);
    expect(JSON.stringify(r.files)).not.toContain('PRIVATE KEY-----');
  });

  it('leaves out 4_client without a client certificate and the intermediate when the root issued', () => {
    const r = walkthroughLayout({ ...input(), client: undefined, caChainPems: [cert('root')] });
    expect(r.ok && r.files.map((f) => f.path)).toEqual([
      '1_root/certs/ca.cert.pem',
      '2_intermediate/certs/ca-chain.cert.pem',
      '3_application/certs/httpbin.example.com.cert.pem',
      '3_application/private/httpbin.example.com.key.pem',
    ]);
  });

  it.each([
    [{ host: '../etc' }, 'host'],
    [{ host: '*.example.com' }, 'host'],
    [{ caChainPems: [] }, 'caChainPems'],
    [{ caChainPems: [cert('a') + cert('b')] }, 'caChainPems[0]'],
  ])('refuses %j', (over, field) => {
    const r = walkthroughLayout({ ...input(), ...over });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('splits a bundle in order', () => {
    expect(splitPemCertificates(`${cert('a')}\n\n${cert('b')}\n`)).toEqual([
      `${cert('a')}\n`,
      `${cert('b')}\n`,
    ]);
  });
});
