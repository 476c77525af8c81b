import { compilePolicy, type CaPolicySpec } from './policy.js';

const good: CaPolicySpec = {
  team: 'payments',
  name: 'web',
  issuers: ['*'],
  allowedDomains: ['*.example.com'],
  maxTtl: '2160h',
};

describe('compilePolicy', () => {
  it('fills defaults: defaultTtl = maxTtl, ecdsa-p256, server', () => {
    const r = compilePolicy(good);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({
        id: 'payments/web',
        maxTtlSeconds: 2160 * 3600,
        defaultTtlSeconds: 2160 * 3600,
        keyTypes: ['ecdsa-p256'],
        usages: ['server'],
        allowWildcardNames: false,
      });
    }
  });

  it('reports every bad field with its path', () => {
    const r = compilePolicy({
      team: 'Payments',
      name: 'web',
      issuers: [],
      allowedDomains: ['ok.example.com', 'a.**.example.com'],
      allowedIpRanges: ['10.0.0.1/8'],
      allowedUris: ['spiffe://cluster.local/ns/{namespace}/sa/*'],
      namespaces: [],
      maxTtl: '90d',
      defaultTtl: '1h',
      keyTypes: ['ed25519' as never],
      usages: ['email' as never],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => `${e.resource}: ${e.field}: ${e.message}`)).toEqual([
        'CaPolicy/Payments/web: team: must be a lowercase DNS-1123 label',
        'CaPolicy/Payments/web: issuers: list at least one issuer (or "*")',
        'CaPolicy/Payments/web: allowedDomains[1]: "a.**.example.com": `**` may only be the leftmost label',
        'CaPolicy/Payments/web: allowedIpRanges[0]: "10.0.0.1/8": host bits are set (did you mean 10.0.0.0/8?)',
        'CaPolicy/Payments/web: allowedUris[0]: "spiffe://cluster.local/ns/{namespace}/sa/*" uses {namespace} but the policy lists no namespaces',
        'CaPolicy/Payments/web: maxTtl: "90d" is not a duration like 2160h, 1h30m or 90s',
        'CaPolicy/Payments/web: keyTypes[0]: "ed25519" is not one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096',
        'CaPolicy/Payments/web: usages[0]: "email" is not server or client',
      ]);
    }
  });

  it('refuses a default TTL over the maximum', () => {
    const r = compilePolicy({ ...good, maxTtl: '24h', defaultTtl: '48h' });
    expect(r).toMatchObject({
      ok: false,
      errors: [{ field: 'defaultTtl', message: '48h exceeds maxTtl 24h' }],
    });
  });
});
