import { PrivateKeyPem } from '#keyway/key-material';
import { findCredential, resolveCredentials, type Lookup } from './resolve.js';
import { formatSecretError } from './errors.js';
import { makeCrl, makeLeaf, makeRoot, secret, type TestCa, type TestLeaf } from './testing/certificates.js';

// Istio's secret controller cases, rebuilt with real certificates so every Secret also passes the
// up-front checks: each Secret gets its own leaf, and each CA its own root, so a test can tell which
// material was served by fingerprint.
const roots: Record<string, TestCa> = {};
const leaves: Record<string, TestLeaf> = {};
const ca = (n: string): TestCa => (roots[n] ??= makeRoot(`${n} root`));
const leaf = (n: string): TestLeaf => (leaves[n] ??= makeLeaf(ca('issuer'), { dns: [`${n}.example.com`] }));

const TLS = 'kubernetes.io/tls';
const missingKeys = (found: string) =>
  `found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: ${found}`;
const missingCa = (found: string) =>
  `found secret, but didn't have expected keys cacert or ca.crt; found: ${found}`;

function inputs() {
  return [
    secret('generic', { cert: leaf('generic').pem, key: leaf('generic').keyPem }),
    secret('generic-mtls', {
      cert: leaf('generic-mtls').pem,
      key: leaf('generic-mtls').keyPem,
      cacert: ca('generic-mtls').pem,
    }),
    secret('generic-mtls-split', {
      cert: leaf('generic-mtls-split').pem,
      key: leaf('generic-mtls-split').keyPem,
    }),
    secret('generic-mtls-split-cacert', { cacert: ca('generic-mtls-split').pem }),
    secret('overlap', {
      cert: leaf('overlap').pem,
      key: leaf('overlap').keyPem,
      cacert: ca('overlap-main').pem,
    }),
    secret('overlap-cacert', { cacert: ca('overlap-split').pem }),
    secret('tls', { 'tls.crt': leaf('tls').pem, 'tls.key': leaf('tls').keyPem }, { type: TLS }),
    secret(
      'tls-mtls',
      { 'tls.crt': leaf('tls-mtls').pem, 'tls.key': leaf('tls-mtls').keyPem, 'ca.crt': ca('tls-mtls').pem },
      { type: TLS },
    ),
    secret(
      'tls-mtls-split',
      { 'tls.crt': leaf('tls-mtls-split').pem, 'tls.key': leaf('tls-mtls-split').keyPem },
      { type: TLS },
    ),
    secret('tls-mtls-split-cacert', { 'ca.crt': ca('tls-mtls-split').pem }, { type: TLS }),
    // A tls-typed Secret that also carries generic keys and unrelated ones: cert/key win, the rest is ignored.
    secret(
      'tls-extra',
      {
        'tls.crt': leaf('tls-extra-tls').pem,
        'tls.key': leaf('tls-extra-tls').keyPem,
        cert: leaf('tls-extra').pem,
        key: leaf('tls-extra').keyPem,
        'tls.ocsp-staple': 'ignored',
        README: 'rotated monthly',
      },
      { type: TLS },
    ),
    secret(
      'tls-mtls-crl',
      {
        'tls.crt': leaf('tls-mtls-crl').pem,
        'tls.key': leaf('tls-mtls-crl').keyPem,
        'ca.crt': ca('crl').pem,
        'ca.crl': makeCrl(ca('crl')),
      },
      { type: TLS },
    ),
    secret('generic-mtls-crl', {
      cert: leaf('generic-mtls-crl').pem,
      key: leaf('generic-mtls-crl').keyPem,
      cacert: ca('crl').pem,
      crl: makeCrl(ca('crl'), [
        { serialHex: '0a1b', revokedAt: new Date(Date.now() - 3600_000), reason: 'keyCompromise' },
      ]),
    }),
    secret('empty-cert', { 'tls.crt': '', 'tls.key': leaf('empty-cert').keyPem }, { type: TLS }),
    secret('wrong-keys', { 'foo-bar': leaf('wrong-keys').pem, 'tls.key': leaf('wrong-keys').keyPem }),
    secret('holds-key-cacert', { cacert: ca('holds-key').pem, key: leaf('holds-key').keyPem }),
  ];
}

interface Case {
  name: string;
  namespace?: string;
  /** Whose leaf `kubernetes://<name>` serves, or the error message. */
  cert?: string;
  error?: string;
  /** Whose root `kubernetes://<name>-cacert` trusts, or the error message. */
  caCert?: string;
  caError?: string;
  crl?: boolean;
}

const cases: Case[] = [
  { name: 'generic', cert: 'generic', caError: missingCa('cert, key') },
  { name: 'generic-mtls', cert: 'generic-mtls', caCert: 'generic-mtls' },
  { name: 'generic-mtls-split', cert: 'generic-mtls-split', caCert: 'generic-mtls-split' },
  { name: 'overlap', cert: 'overlap', caCert: 'overlap-split' },
  { name: 'tls', cert: 'tls', caError: missingCa('tls.crt, tls.key') },
  { name: 'tls-mtls', cert: 'tls-mtls', caCert: 'tls-mtls' },
  { name: 'tls-mtls-split', cert: 'tls-mtls-split', caCert: 'tls-mtls-split' },
  { name: 'tls-extra', cert: 'tls-extra', caError: missingCa('README, cert, key, and 3 more...') },
  { name: 'tls-mtls-crl', cert: 'tls-mtls-crl', caCert: 'crl', crl: true },
  { name: 'generic-mtls-crl', cert: 'generic-mtls-crl', caCert: 'crl', crl: true },
  {
    name: 'empty-cert',
    error: 'found keys "tls.crt" and "tls.key", but they were empty',
    caError: missingCa('tls.crt, tls.key'),
  },
  { name: 'wrong-keys', error: missingKeys('foo-bar, tls.key'), caError: missingCa('foo-bar, tls.key') },
  {
    name: 'generic',
    namespace: 'wrong-namespace',
    error: 'secret wrong-namespace/generic not found',
    caError: 'secret wrong-namespace/generic not found',
  },
  { name: 'missing', error: 'secret default/missing not found', caError: 'secret default/missing not found' },
];

describe('Istio secret cases', () => {
  const resolution = resolveCredentials(inputs());
  const message = (l: Lookup): string => (l.ok ? 'ok' : l.errors.map((e) => e.message).join('; '));

  it.each(cases.map((c) => ({ namespace: 'default', ...c })))('$name in $namespace', (c) => {
    const namespace = c.namespace;
    const served = findCredential(resolution, namespace, c.name);
    if (c.cert) {
      expect(message(served)).toBe('ok');
      if (!served.ok) return;
      expect(served.credential.kind).toBe('tls-certificate');
      expect(served.credential.leaf?.subject).toBe(`CN=${c.cert}.example.com, O=httpbin organization`);
      // Digests, so a failure never prints a key.
      expect(served.credential.material.privateKey?.digest()).toBe(
        new PrivateKeyPem(leaf(c.cert).keyPem).digest(),
      );
      expect(served.credential.material.trustedCa).toBeUndefined();
    } else {
      expect(message(served)).toBe(c.error);
    }
    const trust = findCredential(resolution, namespace, `${c.name}-cacert`);
    if (c.caCert) {
      expect(message(trust)).toBe('ok');
      if (!trust.ok) return;
      expect(trust.credential.kind).toBe('validation-context');
      expect(trust.credential.cas.map((x) => x.subject)).toEqual([`CN=${c.caCert} root, O=keyway tests`]);
      expect(trust.credential.material.privateKey).toBeUndefined();
      expect(trust.credential.material.crl !== undefined).toBe(c.crl ?? false);
    } else {
      expect(message(trust)).toBe(c.caError);
    }
  });

  it("a -cacert Secret is a validation context only: asked for as a certificate it gives Istio's message", () => {
    const asCert = findCredential(resolution, 'default', 'generic-mtls-split-cacert', 'tls-certificate');
    expect(message(asCert)).toBe(missingKeys('cacert'));
    const tlsSplit = findCredential(resolution, 'default', 'tls-mtls-split-cacert', 'tls-certificate');
    expect(message(tlsSplit)).toBe(missingKeys('ca.crt'));
  });

  it('a -cacert Secret holding a private key is rejected, and the CA inside <name> does not stand in', () => {
    const report = resolution.secrets.find((s) => s.name === 'holds-key-cacert')!;
    expect(report.accepted).toBe(false);
    expect(report.errors.map(formatSecretError)).toEqual([
      'Secret/default/holds-key-cacert: data.key: a Secret named <name>-cacert only provides the CA of credential <name> and never serves a private key',
    ]);
    expect(findCredential(resolution, 'default', 'holds-key-cacert').ok).toBe(false);
  });

  it('wrong keys: the full error line names the Secret and the field', () => {
    const report = resolution.secrets.find((s) => s.name === 'wrong-keys')!;
    expect(report.errors.map(formatSecretError)).toEqual([
      "Secret/default/wrong-keys: data: found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: foo-bar, tls.key",
    ]);
  });

  it('lists what each Secret provides, sorted, and nothing from rejected Secrets', () => {
    const provided = Object.fromEntries(resolution.secrets.map((s) => [s.name, s.provides]));
    expect(provided).toEqual({
      'empty-cert': [],
      generic: ['generic'],
      'generic-mtls': ['generic-mtls', 'generic-mtls-cacert'],
      'generic-mtls-crl': ['generic-mtls-crl', 'generic-mtls-crl-cacert'],
      'generic-mtls-split': ['generic-mtls-split'],
      'generic-mtls-split-cacert': ['generic-mtls-split-cacert'],
      'holds-key-cacert': [],
      overlap: ['overlap'],
      'overlap-cacert': ['overlap-cacert'],
      tls: ['tls'],
      'tls-extra': ['tls-extra'],
      'tls-mtls': ['tls-mtls', 'tls-mtls-cacert'],
      'tls-mtls-crl': ['tls-mtls-crl', 'tls-mtls-crl-cacert'],
      'tls-mtls-split': ['tls-mtls-split'],
      'tls-mtls-split-cacert': ['tls-mtls-split-cacert'],
      'wrong-keys': [],
    });
    const names = resolution.credentials.map((c) => `${c.namespace}/${c.sdsName}`);
    expect(names).toEqual([...names].sort());
  });

  it('a Secret is resolved only within its own namespace', () => {
    const r = resolveCredentials([
      secret('shared', { cert: leaf('generic').pem, key: leaf('generic').keyPem }, { namespace: 'team-a' }),
      secret('shared-cacert', { cacert: ca('generic-mtls').pem }, { namespace: 'team-b' }),
    ]);
    expect(findCredential(r, 'team-a', 'shared').ok).toBe(true);
    expect(message(findCredential(r, 'team-a', 'shared-cacert'))).toBe(missingCa('cert, key'));
    expect(message(findCredential(r, 'team-b', 'shared'))).toBe('secret team-b/shared not found');
    expect(findCredential(r, 'team-b', 'shared-cacert').ok).toBe(true);
  });
});
