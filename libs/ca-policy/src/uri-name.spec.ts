import { parseUriName, parseUriPattern } from './uri-name.js';

describe('parseUriName', () => {
  it.each([
    'spiffe://cluster.local/ns/payments/sa/api',
    'spiffe://example.org',
    'https://example.com/a',
    'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
  ])('accepts %s', (uri) => {
    expect(parseUriName(uri)).toEqual({ ok: true, value: uri });
  });

  it.each([
    ['spiffe://Cluster.local/ns/a', 'the trust domain may hold only lowercase'],
    ['spiffe://cluster.local:8443/ns/a', 'no port or user'],
    ['spiffe://user@cluster.local/ns/a', 'no port or user'],
    ['spiffe://cluster.local/ns/a/', 'must not be empty'],
    ['spiffe://cluster.local/ns//a', 'must not be empty'],
    ['spiffe://cluster.local/ns/../a', 'must not be . or ..'],
    ['spiffe://cluster.local/ns/a#x', 'no query or fragment'],
    ['spiffe://cluster.local/ns/a%20b', 'has characters outside'],
    ['spiffe:///ns/a', 'the trust domain is empty'],
    ['no-scheme/path', 'needs a lowercase scheme'],
    ['https://exa mple.com', 'characters outside RFC 3986'],
    ['', 'is empty'],
  ])('refuses %j', (uri, why) => {
    const r = parseUriName(uri);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});

describe('URI patterns', () => {
  const compile = (pattern: string, namespaces: string[] = []) => {
    const r = parseUriPattern(pattern, namespaces);
    if (!r.ok) throw new Error(r.message);
    return r.value.regex;
  };

  it('limits {namespace} to the policy namespaces, globs included', () => {
    const re = compile('spiffe://cluster.local/ns/{namespace}/sa/*', ['payments', 'shop-*']);
    expect(re.test('spiffe://cluster.local/ns/payments/sa/api')).toBe(true);
    expect(re.test('spiffe://cluster.local/ns/shop-eu/sa/api')).toBe(true);
    expect(re.test('spiffe://cluster.local/ns/billing/sa/api')).toBe(false);
    expect(re.test('spiffe://cluster.local/ns/payments/sa/api/extra')).toBe(false);
    expect(re.test('spiffe://cluster.local/ns/payments-x/sa/api')).toBe(false);
  });

  it('lets ** cross segments and escapes dots', () => {
    const re = compile('https://ci.example.com/**');
    expect(re.test('https://ci.example.com/a/b/c')).toBe(true);
    expect(re.test('https://cixexample.com/a')).toBe(false);
  });

  it.each([
    ['spiffe://cluster.local/ns/{team}/sa/*', ['a'], 'unknown placeholder {team}'],
    ['spiffe://cluster.local/ns/{namespace}', [], 'lists no namespaces'],
    ['cluster.local/ns', [], 'needs a lowercase scheme'],
  ])('refuses %s', (pattern, namespaces, why) => {
    const r = parseUriPattern(pattern, namespaces);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});
