import { generateKeyPairSync } from 'node:crypto';
import { containsPrivateKeyPem } from '#keyway/key-material';
import { formatSecretError } from './errors.js';
import type { ValidationOptions } from './options.js';
import { resolveCredentials } from './resolve.js';
import type { SecretInput } from './secret.js';
import {
  ecKey,
  ed25519Key,
  makeCrl,
  makeIntermediate,
  makeLeaf,
  makeRoot,
  rsaKey,
  secret,
} from './testing/certificates.js';

const DAY = 24 * 60 * 60 * 1000;

/** A SEC1 P-256 key whose written public point is another key's (the point is its last 65 bytes). */
function ecKeyWithForeignPoint(): Buffer {
  const sec1 = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'sec1' });
  const [mine, theirs] = [sec1(), sec1()];
  theirs.copy(mine, mine.length - 65, theirs.length - 65);
  return mine;
}
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (days: number): Date => new Date(now.getTime() + days * DAY);
const root = makeRoot('checks root');
const other = makeRoot('other root');
const inter = makeIntermediate(root, 'checks intermediate');
const good = makeLeaf(inter, { dns: ['good.example.com'], notBefore: at(-1), notAfter: at(90) });

function outcome(input: SecretInput, options: ValidationOptions = {}) {
  const r = resolveCredentials([input], { now, ...options });
  const text = JSON.stringify(r.secrets) + r.errors.map(formatSecretError).join('\n');
  expect(containsPrivateKeyPem(text)).toBe(false); // no message or report ever carries a key
  return {
    errors: r.errors.map(formatSecretError),
    warnings: r.warnings.map(formatSecretError),
    credentials: r.credentials,
  };
}

function expectRejected(input: SecretInput, line: string | RegExp, options: ValidationOptions = {}): void {
  const { errors, credentials } = outcome(input, options);
  expect(credentials).toHaveLength(0);
  if (typeof line === 'string') expect(errors).toEqual([line]);
  else {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
  }
}

const pem = (label: string, body: Buffer): string =>
  `-----BEGIN ${label}-----\n${body.toString('base64')}\n-----END ${label}-----\n`;

describe('up-front checks', () => {
  it('accepts a good chain (leaf, intermediate) and key', () => {
    const { errors, warnings, credentials } = outcome(
      secret('good', { cert: good.pem + inter.pem, key: good.keyPem }),
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(credentials.map((c) => c.sdsName)).toEqual(['good']);
    expect(credentials[0].cas.map((c) => c.subject)).toEqual(['CN=checks intermediate']);
  });

  describe('PEM', () => {
    it.each([
      ['text that is not PEM', 'not a certificate', 'certificate chain is not valid PEM: no PEM block found'],
      [
        'a corrupt body',
        '-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n',
        'certificate chain is not valid PEM: PEM block 0 (CERTIFICATE): body is not valid base64',
      ],
      [
        'mismatched armour',
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n',
        'certificate chain is not valid PEM: PEM block 0: BEGIN CERTIFICATE closed by END X509 CRL',
      ],
      [
        'a key where the chain goes',
        good.keyPem,
        'certificate chain: PEM block 0 is PRIVATE KEY, expected CERTIFICATE',
      ],
    ])('rejects %s in data.cert', (_what, cert, reason) => {
      expectRejected(
        secret('bad-pem', { cert, key: good.keyPem }),
        `Secret/default/bad-pem: data.cert: ${reason}`,
      );
    });

    it('rejects a CERTIFICATE block that is not X.509', () => {
      expectRejected(
        secret('bad-der', { cert: pem('CERTIFICATE', Buffer.from('30030201ff', 'hex')), key: good.keyPem }),
        /^Secret\/default\/bad-der: data\.cert: certificate chain: certificate\[0\] does not parse as X\.509 \(.+\)$/,
      );
    });

    it.each([
      [
        'a key that does not parse',
        pem('PRIVATE KEY', Buffer.from('300500030101ff', 'hex')),
        'private key (PRIVATE KEY) does not parse (PrivateKeyInfo.version: expected INTEGER, found tag 0x00 at offset 2)',
      ],
      [
        'an EC key whose written public point is not its own',
        pem('EC PRIVATE KEY', ecKeyWithForeignPoint()),
        'private key (EC PRIVATE KEY) does not parse (ECPrivateKey.publicKey is not the point of its private scalar)',
      ],
      [
        'an encrypted key',
        pem('ENCRYPTED PRIVATE KEY', Buffer.from('3000', 'hex')),
        'ENCRYPTED PRIVATE KEY is not supported: Envoy needs an unencrypted PKCS#8, PKCS#1 or SEC1 key',
      ],
      [
        'a certificate where the key goes',
        good.pem,
        'expected exactly one PEM private key, found blocks: CERTIFICATE',
      ],
      ['no PEM at all', 'hunter2', 'private key is not valid PEM: no PEM block found'],
    ])('rejects %s in data.key', (_what, key, reason) => {
      expectRejected(
        secret('bad-key', { cert: good.pem, key }),
        `Secret/default/bad-key: data.key: ${reason}`,
      );
    });
  });

  it("rejects a key that is not the leaf certificate's partner", () => {
    const stranger = makeLeaf(inter, { dns: ['stranger.example.com'] });
    expectRejected(
      secret('mismatch', { 'tls.crt': good.pem, 'tls.key': stranger.keyPem }, { type: 'kubernetes.io/tls' }),
      'Secret/default/mismatch: data.tls.key: private key does not match the public key of the leaf certificate (CN=good.example.com, O=httpbin organization)',
    );
  });

  describe('chain order', () => {
    it('rejects a chain whose issuer is not next', () => {
      expectRejected(
        secret('disorder', { cert: good.pem + root.pem + inter.pem, key: good.keyPem }),
        'Secret/default/disorder: data.cert: certificate chain is out of order: certificate[0] (CN=good.example.com, O=httpbin organization) is signed by certificate[2], not by the next one; put the leaf first, each certificate followed by its issuer',
      );
    });

    it('rejects a chain with a certificate that did not sign the one before', () => {
      expectRejected(
        secret('unsigned', { cert: good.pem + other.pem, key: good.keyPem }),
        'Secret/default/unsigned: data.cert: certificate[0] (CN=good.example.com, O=httpbin organization) is not signed by certificate[1] (CN=other root, O=keyway tests)',
      );
    });

    it('accepts a chain up to and including the root', () => {
      expect(
        outcome(secret('full', { cert: good.pem + inter.pem + root.pem, key: good.keyPem })).errors,
      ).toEqual([]);
    });
  });

  describe('validity of the leaf', () => {
    it('rejects an expired leaf', () => {
      const old = makeLeaf(root, { notBefore: at(-30), notAfter: at(-1) });
      expectRejected(
        secret('expired', { cert: old.pem, key: old.keyPem }),
        `Secret/default/expired: data.cert: certificate has expired: notAfter ${at(-1).toISOString()} is before ${now.toISOString()}`,
      );
    });

    it('rejects a leaf that is not yet valid', () => {
      const early = makeLeaf(root, { notBefore: at(2), notAfter: at(30) });
      expectRejected(
        secret('early', { cert: early.pem, key: early.keyPem }),
        `Secret/default/early: data.cert: certificate is not yet valid: notBefore ${at(2).toISOString()} is after ${now.toISOString()}`,
      );
    });

    it('accepts a leaf expiring within the window, with a warning', () => {
      const soon = makeLeaf(root, { notBefore: at(-1), notAfter: at(10) });
      const input = secret('soon', { cert: soon.pem, key: soon.keyPem });
      const { errors, warnings, credentials } = outcome(input);
      expect(errors).toEqual([]);
      expect(credentials).toHaveLength(1);
      expect(warnings).toEqual([
        `Secret/default/soon: data.cert: certificate expires in 10 days (notAfter ${at(10).toISOString()}), within the warning window of 30 days`,
      ]);
      expect(outcome(input, { expiryWarningDays: 7 }).warnings).toEqual([]);
    });
  });

  describe('key types Envoy serves', () => {
    it.each([
      ['rsa-2048', () => makeLeaf(root, { keyType: 'rsa-2048' })],
      ['ecdsa-p256', () => makeLeaf(root, { keyType: 'ecdsa-p256' })],
      ['ecdsa-p384', () => makeLeaf(root, { keyType: 'ecdsa-p384' })],
    ])('accepts %s', (_t, make) => {
      const l = make();
      expect(outcome(secret('ok-key', { cert: l.pem, key: l.keyPem })).errors).toEqual([]);
    });

    it.each([
      ['RSA 3072 as PKCS#1', rsaKey(3072), 'pkcs1'],
      ['EC P-256 as SEC1', ecKey('prime256v1'), 'sec1'],
      ['EC P-384 as SEC1', ecKey('secp384r1'), 'sec1'],
    ] as const)('accepts %s and refuses it under another certificate', (_t, nodeKey, type) => {
      const l = makeLeaf(root, { nodeKey });
      const keyPem = nodeKey.privateKey.export({ type, format: 'pem' }) as string;
      expect(outcome(secret('ok-key', { cert: l.pem, key: keyPem })).errors).toEqual([]);
      expect(outcome(secret('ok-key', { cert: good.pem, key: keyPem })).errors).toEqual([
        'Secret/default/ok-key: data.key: private key does not match the public key of the leaf certificate (CN=good.example.com, O=httpbin organization)',
      ]);
    });

    it.each([
      ['rsa-1024', () => rsaKey(1024)],
      ['ecdsa-p521', () => ecKey('secp521r1')],
      ['ed25519', () => ed25519Key()],
      ['ecdsa-secp256k1', () => ecKey('secp256k1')],
    ])('rejects %s', (keyType, key) => {
      const l = makeLeaf(root, { nodeKey: key() });
      expectRejected(
        secret('weak-key', { cert: l.pem, key: l.keyPem }),
        `Secret/default/weak-key: data.cert: key type ${keyType} is not served by Envoy (RSA of 2048 bits or more, ECDSA P-256 or P-384)`,
      );
    });
  });

  describe('CA bundle and CRL', () => {
    it('rejects a CA bundle that does not parse', () => {
      expectRejected(
        secret('bad-ca-cacert', { cacert: 'garbage' }),
        'Secret/default/bad-ca-cacert: data.cacert: CA bundle is not valid PEM: no PEM block found',
      );
      expectRejected(
        secret('bad-ca', { cert: good.pem, key: good.keyPem, 'ca.crt': root.pem + good.keyPem }),
        'Secret/default/bad-ca: data.ca.crt: CA bundle: PEM block 1 is PRIVATE KEY, expected CERTIFICATE',
      );
    });

    it('accepts a CRL signed by any CA of the bundle', () => {
      const r = outcome(secret('crl-cacert', { cacert: other.pem + root.pem, crl: makeCrl(root) }));
      expect(r.errors).toEqual([]);
      expect(r.credentials[0].material.crl).toContain('-----BEGIN X509 CRL-----');
    });

    it('rejects a CRL that does not parse', () => {
      expectRejected(
        secret('bad-crl-cacert', { cacert: root.pem, crl: pem('X509 CRL', Buffer.from('3000', 'hex')) }),
        /^Secret\/default\/bad-crl-cacert: data\.crl: CRL\[0\] does not parse \(.+\)$/,
      );
      expectRejected(
        secret('bad-crl-cacert', { cacert: root.pem, crl: root.pem }),
        'Secret/default/bad-crl-cacert: data.crl: CRL: PEM block is CERTIFICATE, expected X509 CRL',
      );
    });

    it('rejects a CRL signed by a CA outside the bundle', () => {
      expectRejected(
        secret('crl-signer', {
          'tls.crt': good.pem,
          'tls.key': good.keyPem,
          'ca.crt': root.pem,
          'ca.crl': makeCrl(other),
        }),
        'Secret/default/crl-signer: data.ca.crl: CRL[0] (issuer CN=other root,O=keyway tests) is not signed by any CA in data.ca.crt',
      );
    });

    it('warns about a CRL past its nextUpdate', () => {
      const r = outcome(secret('stale-cacert', { cacert: root.pem, crl: makeCrl(root, [], at(-1)) }));
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([
        `Secret/default/stale-cacert: data.crl: CRL[0] (issuer CN=checks root,O=keyway tests) is past its nextUpdate ${at(-1).toISOString()}`,
      ]);
    });

    it('rejects a CRL with no CA to check it against', () => {
      expectRejected(
        secret('lonely-crl', { cert: good.pem, key: good.keyPem, crl: makeCrl(root) }),
        'Secret/default/lonely-crl: data.crl: a CRL needs a CA bundle (cacert or ca.crt) in the same Secret',
      );
    });
  });

  describe('size limits', () => {
    it('rejects a value over the field limit', () => {
      expectRejected(
        secret('big', { cert: good.pem, key: good.keyPem, notes: 'x'.repeat(2000) }),
        'Secret/default/big: data.notes: is 2000 bytes, over the limit of 1024 bytes',
        { maxFieldBytes: 1024 },
      );
    });

    it('rejects a Secret over the total limit', () => {
      expectRejected(
        secret('big-total', { cert: good.pem, key: good.keyPem, a: 'x'.repeat(900), b: 'y'.repeat(900) }),
        /^Secret\/default\/big-total: data: holds \d+ bytes, over the limit of 2500 bytes$/,
        { maxSecretBytes: 2500 },
      );
    });

    it('rejects a chain with too many certificates and a bundle with too many CAs', () => {
      expectRejected(
        secret('long', { cert: good.pem + inter.pem + root.pem, key: good.keyPem }),
        'Secret/default/long: data.cert: certificate chain has 3 certificates, over the limit of 2',
        { maxChainCertificates: 2 },
      );
      expectRejected(
        secret('many-cacert', { cacert: root.pem + other.pem }),
        'Secret/default/many-cacert: data.cacert: CA bundle has 2 certificates, over the limit of 1',
        { maxCaCertificates: 1 },
      );
    });
  });

  describe("the walkthrough's rules", () => {
    it.each(['istio-credential', 'istiogateway', 'prometheus-tls'])('rejects the name %s', (name) => {
      expectRejected(
        secret(name, { cert: good.pem, key: good.keyPem }),
        `Secret/default/${name}: metadata.name: the secret name should not begin with istio or prometheus`,
      );
    });

    it('rejects a token field', () => {
      expectRejected(
        secret('with-token', { cert: good.pem, key: good.keyPem, token: 'abc' }),
        'Secret/default/with-token: data.token: the secret should not contain a token field',
      );
    });
  });

  it('reports every problem of a Secret at once', () => {
    const { errors } = outcome(secret('istio-bad', { cert: 'nope', key: 'nope', token: 't' }));
    expect(errors).toEqual([
      'Secret/default/istio-bad: metadata.name: the secret name should not begin with istio or prometheus',
      'Secret/default/istio-bad: data.token: the secret should not contain a token field',
    ]);
  });
});
