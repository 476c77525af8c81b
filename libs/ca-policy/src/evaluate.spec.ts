import { evaluate, evaluatePolicies, type PolicyRequest } from './evaluate.js';
import { compilePolicy, type CaPolicy, type CaPolicySpec } from './policy.js';

const now = new Date('2026-01-01T00:00:00Z');
const issuerNotAfter = new Date('2030-01-01T00:00:00Z');
const ctx = { now, issuerNotAfter };

function policy(overrides: Partial<CaPolicySpec> = {}): CaPolicy {
  const r = compilePolicy({
    team: 'payments',
    name: 'web',
    issuers: ['payments-*'],
    allowedDomains: ['*.example.com', 'example.com', '**.internal.example.net', 'api-*.example.org'],
    allowedIpRanges: ['10.0.0.0/8', '2001:db8::/32'],
    allowedUris: ['spiffe://cluster.local/ns/{namespace}/sa/*'],
    namespaces: ['payments', 'payments-*'],
    maxTtl: '2160h',
    defaultTtl: '720h',
    keyTypes: ['ecdsa-p256', 'rsa-2048'],
    usages: ['server', 'client'],
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const base: PolicyRequest = { issuer: 'payments-int', sans: { dns: ['api.example.com'] } };

describe('evaluate: refusals name the field and the reason', () => {
  it.each<[string, PolicyRequest, Partial<CaPolicySpec>, string]>([
    [
      'an out-of-domain name',
      { ...base, sans: { dns: ['api.example.com', 'evil.com'] } },
      {},
      'sans.dns[1]: "evil.com" is not within allowed domains [*.example.com, example.com, **.internal.example.net, api-*.example.org]',
    ],
    [
      'a name two labels deep under a one-label pattern',
      { ...base, sans: { dns: ['a.b.example.com'] } },
      {},
      'sans.dns[0]: "a.b.example.com" is not within',
    ],
    [
      'the apex under a ** pattern',
      { ...base, sans: { dns: ['internal.example.net'] } },
      {},
      'sans.dns[0]: "internal.example.net" is not within',
    ],
    [
      'a glob miss',
      { ...base, sans: { dns: ['web-1.example.org'] } },
      {},
      'sans.dns[0]: "web-1.example.org" is not within',
    ],
    [
      'a wildcard without opt-in',
      { ...base, sans: { dns: ['*.example.com'] } },
      {},
      'sans.dns[0]: "*.example.com" is a wildcard name and the policy does not allow wildcards',
    ],
    [
      'a wildcard wider than a glob pattern, even with opt-in',
      { ...base, sans: { dns: ['*.example.org'] } },
      { allowWildcardNames: true, allowedDomains: ['api-*.example.org'] },
      'sans.dns[0]: "*.example.org" is not within allowed domains [api-*.example.org]',
    ],
    [
      'a malformed name',
      { ...base, sans: { dns: ['a..example.com'] } },
      {},
      'sans.dns[0]: "a..example.com" is not a valid DNS name: empty label',
    ],
    ['a TTL over the maximum', { ...base, ttl: '2161h' }, {}, 'ttl: 2161h exceeds the maximum 2160h'],
    [
      'a TTL that is no duration',
      { ...base, ttl: '90d' },
      {},
      'ttl: "90d" is not a duration like 2160h, 1h30m or 90s',
    ],
    [
      'a wrong key type',
      { ...base, keyType: 'ecdsa-p384' },
      {},
      'keyType: ecdsa-p384 is not among allowed key types [ecdsa-p256, rsa-2048]',
    ],
    [
      'a usage not allowed',
      { ...base, usage: 'server-client' },
      { usages: ['server'] },
      'usage: server-client needs [client], not among allowed usages [server]',
    ],
    [
      'an issuer not allowed',
      { ...base, issuer: 'platform-root' },
      {},
      'issuer: "platform-root" is not among allowed issuers [payments-*]',
    ],
    [
      'an IP outside the ranges',
      { ...base, sans: { ip: ['192.168.1.1'] } },
      {},
      'sans.ip[0]: "192.168.1.1" is not within allowed IP ranges [10.0.0.0/8, 2001:db8::/32]',
    ],
    [
      'an IP when none is allowed',
      { ...base, sans: { ip: ['10.1.2.3'] } },
      { allowedIpRanges: [] },
      'sans.ip[0]: "10.1.2.3" is not allowed: the policy lists no allowed IP ranges',
    ],
    [
      'a SPIFFE id in another namespace',
      { ...base, sans: { uri: ['spiffe://cluster.local/ns/billing/sa/api'] } },
      {},
      'sans.uri[0]: "spiffe://cluster.local/ns/billing/sa/api" is not within allowed URIs [spiffe://cluster.local/ns/{namespace}/sa/*]',
    ],
    [
      'a SPIFFE id with a query',
      { ...base, sans: { uri: ['spiffe://cluster.local/ns/payments/sa/a?x=1'] } },
      {},
      'sans.uri[0]: "spiffe://cluster.local/ns/payments/sa/a?x=1" is not a SPIFFE ID: no query or fragment is allowed',
    ],
    [
      'a namespace not allowed',
      { ...base, namespace: 'billing' },
      {},
      'namespace: "billing" is not within allowed namespaces [payments, payments-*]',
    ],
    [
      'a common name outside the SANs',
      { ...base, commonName: 'www.example.com' },
      {},
      'commonName: "www.example.com" must also be one of the allowed SANs',
    ],
    ['no names at all', { ...base, sans: {} }, {}, 'sans: at least one DNS, IP or URI name is required'],
  ])('refuses %s', (_what, request, overrides, reason) => {
    const d = evaluate(policy(overrides), request, ctx);
    expect(d.allowed).toBe(false);
    expect(d.validity).toBeUndefined();
    expect(d.reasons.some((r) => r.startsWith(reason))).toBe(true);
    expect(d.violations.every((v) => v.resource === 'CaPolicy/payments/web')).toBe(true);
  });

  it('reports every refusal, not only the first', () => {
    const d = evaluate(
      policy(),
      { ...base, sans: { dns: ['evil.com', '*.example.com'] }, keyType: 'rsa-4096', ttl: '9999h' },
      ctx,
    );
    expect(d.violations.map((v) => v.field)).toEqual(['sans.dns[0]', 'sans.dns[1]', 'keyType', 'ttl']);
  });

  it('refuses when the issuer has expired', () => {
    const d = evaluate(policy(), base, { now, issuerNotAfter: new Date('2025-12-31T00:00:00Z') });
    expect(d.reasons).toEqual(['issuer: "payments-int" expired at 2025-12-31T00:00:00.000Z']);
  });
});

describe('evaluate: allowed requests', () => {
  it.each<[string, PolicyRequest, Partial<CaPolicySpec>]>([
    ['a one-label subdomain', base, {}],
    ['the exact apex', { ...base, sans: { dns: ['EXAMPLE.com.'] } }, {}],
    ['any depth under **', { ...base, sans: { dns: ['a.b.c.internal.example.net'] } }, {}],
    ['a glob inside a label', { ...base, sans: { dns: ['api-eu.example.org'] } }, {}],
    ['a wildcard with opt-in', { ...base, sans: { dns: ['*.example.com'] } }, { allowWildcardNames: true }],
    [
      'a wildcard under ** with opt-in',
      { ...base, sans: { dns: ['*.x.internal.example.net'] } },
      { allowWildcardNames: true },
    ],
    ['IPv4 and IPv6 in range', { ...base, sans: { ip: ['10.1.2.3', '2001:DB8::1'] } }, {}],
    [
      'a SPIFFE id in a team namespace glob',
      { ...base, sans: { uri: ['spiffe://cluster.local/ns/payments-eu/sa/api'] } },
      {},
    ],
    ['a CN repeating a SAN', { ...base, commonName: 'api.example.com' }, {}],
    ['a client certificate', { ...base, usage: 'client' }, {}],
    ['RSA when listed', { ...base, keyType: 'rsa-2048' }, {}],
    ['into an allowed namespace', { ...base, namespace: 'payments-eu' }, {}],
  ])('allows %s', (_what, request, overrides) => {
    const d = evaluate(policy(overrides), request, ctx);
    expect(d.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^issuer: /)]));
    expect(d.violations).toEqual([]);
    expect(d.allowed).toBe(true);
    expect(d.policy).toBe('payments/web');
  });

  it('normalizes names and records why each was allowed', () => {
    const d = evaluate(
      policy(),
      { ...base, sans: { dns: ['API.example.com.', 'api.example.com'], ip: ['2001:0db8:0:0:0:0:0:1'] } },
      ctx,
    );
    expect(d.names).toEqual({ dns: ['api.example.com'], ip: ['2001:db8::1'], uri: [] });
    expect(d.reasons).toContain('sans.dns[0]: "api.example.com" is within allowed domain *.example.com');
    expect(d.reasons).toContain('sans.ip[0]: "2001:db8::1" is within allowed range 2001:db8::/32');
  });

  it('uses the default TTL and backdates notBefore', () => {
    const d = evaluate(policy(), base, { ...ctx, backdateSeconds: 30 });
    expect(d.validity).toEqual({
      ttlSeconds: 720 * 3600,
      notBefore: new Date('2025-12-31T23:59:30Z'),
      notAfter: new Date('2026-01-31T00:00:00Z'),
      truncatedToIssuer: false,
    });
    expect(d.reasons).toContain('ttl: 720h (default) is within the maximum 2160h');
  });

  it('never lets a certificate outlive its issuer', () => {
    const end = new Date('2026-01-10T00:00:00Z');
    const d = evaluate(policy(), { ...base, ttl: '2160h' }, { now, issuerNotAfter: end });
    expect(d.allowed).toBe(true);
    expect(d.validity?.notAfter).toEqual(end);
    expect(d.validity?.ttlSeconds).toBe(9 * 24 * 3600);
    expect(d.validity?.truncatedToIssuer).toBe(true);
    expect(d.reasons).toContain('ttl: 2160h cut to 216h: the issuer expires at 2026-01-10T00:00:00.000Z');
  });
});

describe('evaluatePolicies', () => {
  const narrow = policy({ name: 'narrow', allowedDomains: ['shop.example.com'] });
  const wide = policy({ name: 'wide', allowedDomains: ['**.example.com'] });

  it('is allowed by the first policy that allows it', () => {
    const d = evaluatePolicies([wide, narrow], { ...base, sans: { dns: ['shop.example.com'] } }, ctx);
    expect(d.policy).toBe('payments/narrow');
    expect(
      evaluatePolicies([narrow, wide], { ...base, sans: { dns: ['a.b.example.com'] } }, ctx).policy,
    ).toBe('payments/wide');
  });

  it('reports each policy refusal when none allows it', () => {
    const d = evaluatePolicies([narrow, wide], { ...base, sans: { dns: ['evil.com'] } }, ctx);
    expect(d.allowed).toBe(false);
    expect(d.policy).toBeNull();
    expect(d.reasons).toEqual([
      'payments/narrow: sans.dns[0]: "evil.com" is not within allowed domains [shop.example.com]',
      'payments/wide: sans.dns[0]: "evil.com" is not within allowed domains [**.example.com]',
    ]);
  });

  it('refuses a team without policies', () => {
    const d = evaluatePolicies([], base, ctx, 'payments');
    expect(d).toMatchObject({ allowed: false, reasons: ['policy: no CA policy applies to team "payments"'] });
  });
});
