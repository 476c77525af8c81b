import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoPath } from './lib/repo.js';

// The compose stack's PKI script, run for real with this machine's openssl. Keys are read to
// compare public halves only; nothing here prints one.
describe('deploy/pki/dev-pki.sh', () => {
  let dir: string;
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  const cert = (f: string) => new X509Certificate(read(f));
  const run = () =>
    execFileSync('sh', [repoPath('deploy/pki/dev-pki.sh'), dir], {
      encoding: 'utf8',
      env: { ...process.env, XDS_TRUST_DOMAIN: 'cluster.local' },
    });

  beforeAll(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-dev-pki-')), 'pki');
    run();
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('writes the files the compose bootstrap and the sds-server read', () => {
    expect(fs.readdirSync(dir).sort()).toEqual([
      'ca.crt',
      'ca.key',
      'gateway.crt',
      'gateway.key',
      'sds-server.crt',
      'sds-server.key',
    ]);
  });

  it('keys are private to their owner; certificates are world-readable', () => {
    for (const f of ['ca.key', 'gateway.key', 'sds-server.key']) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o077).toBe(0);
    }
    for (const f of ['ca.crt', 'gateway.crt', 'sds-server.crt']) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o444).toBe(0o444);
    }
  });

  it('chains both leaves to the CA and matches each key to its certificate', () => {
    const ca = cert('ca.crt');
    expect(ca.ca).toBe(true);
    for (const name of ['gateway', 'sds-server']) {
      const leaf = cert(`${name}.crt`);
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      const fromKey = createPublicKey(createPrivateKey(read(`${name}.key`))).export({
        type: 'spki',
        format: 'der',
      });
      expect(Buffer.compare(fromKey, leaf.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
    }
  });

  it("gives Envoy the SPIFFE identity of istio-system's ingress gateway, for client auth", () => {
    const leaf = cert('gateway.crt');
    expect(leaf.subjectAltName).toBe('URI:spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('names the sds-server as Envoy dials it in compose and in Kubernetes, for server auth', () => {
    const leaf = cert('sds-server.crt');
    expect(leaf.subjectAltName).toBe('DNS:sds-server, DNS:sds-server.keyway.svc, DNS:localhost');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('is idempotent: a second run keeps the existing set', () => {
    const before = cert('ca.crt').fingerprint256;
    expect(run()).toMatch(/keeping the existing set/);
    expect(cert('ca.crt').fingerprint256).toBe(before);
  });
});
