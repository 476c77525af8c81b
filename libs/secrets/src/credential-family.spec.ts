import { credentialFamily, resolveCredentials } from './resolve.js';
import { makeLeaf, makeRoot, secret } from './testing/certificates.js';
import type { SecretInput } from './secret.js';

describe('credentialFamily', () => {
  it.each([
    ['web', ['web', 'web-cacert'], ['web', 'web-cacert']],
    ['web-cacert', ['web-cacert', 'web'], ['web-cacert']],
    ['web-cacert-cacert', ['web-cacert-cacert', 'web-cacert'], ['web-cacert-cacert']],
    // `-cacert` alone is not a CA name (nothing before the suffix).
    ['-cacert', ['-cacert', '-cacert-cacert'], ['-cacert', '-cacert-cacert']],
  ])('%s: decided by %j, can change %j', (name, secrets, sdsNames) => {
    expect(credentialFamily(name)).toEqual({ secrets, sdsNames });
  });

  // The claim that makes it useful: resolving the family alone gives, for its SDS names, what
  // resolving the whole namespace gives, whichever Secret changed or went away.
  const root = makeRoot('family root');
  const other = makeRoot('family other root');
  const tls = (n: string, withCa = false): SecretInput => {
    const leaf = makeLeaf(root, { dns: [`${n}.example.com`] });
    return secret(n, { cert: leaf.pem, key: leaf.keyPem, ...(withCa ? { cacert: root.pem } : {}) });
  };
  const namespace: SecretInput[] = [
    tls('a', true),
    secret('a-cacert', { cacert: other.pem }), // overrides a's own CA
    tls('b', true), // its CA serves b-cacert
    tls('c'),
    secret('d-cacert', { cacert: root.pem }), // no Secret d
    secret('e-cacert-cacert', { cacert: root.pem }),
    tls('e-cacert'),
    secret('f', { cert: 'not a certificate', key: 'nope' }), // rejected
    secret('f-cacert', { cacert: other.pem }),
    tls('g', true),
    secret('g-cacert', { cacert: 'not PEM' }), // rejected, still wins over g's CA
  ];
  const names = namespace.map((s) => s.metadata!.name!);
  const view = (inputs: SecretInput[], sdsNames: string[]) =>
    resolveCredentials(inputs)
      .credentials.filter((c) => sdsNames.includes(c.sdsName))
      .map((c) => [c.sdsName, c.kind, c.secretName, c.contentHash]);

  it.each(names.flatMap((n) => [[n, 'present'] as const, [n, 'gone'] as const]))(
    'a change to %s (%s) resolves alike from its family and from the namespace',
    (name, state) => {
      const inputs = state === 'present' ? namespace : namespace.filter((s) => s.metadata!.name !== name);
      const { secrets, sdsNames } = credentialFamily(name);
      const family = inputs.filter((s) => secrets.includes(s.metadata!.name!));
      expect(view(family, sdsNames)).toEqual(view(inputs, sdsNames));
    },
  );

  it('the namespace above exercises every rule (a guard against a vacuous table)', () => {
    const served = resolveCredentials(namespace).credentials.map((c) => `${c.sdsName}:${c.secretName}`);
    expect(served).toEqual(
      expect.arrayContaining([
        'a:a',
        'a-cacert:a-cacert',
        'b-cacert:b',
        'd-cacert:d-cacert',
        'e-cacert-cacert:e-cacert-cacert',
      ]),
    );
    expect(served).not.toContain('g-cacert:g');
    expect(served).not.toContain('f:f');
  });
});
