import { domainMatches, parseDnsName, parseDomainPattern } from './dns-name.js';

function matches(pattern: string, name: string): boolean {
  const p = parseDomainPattern(pattern);
  const n = parseDnsName(name);
  if (!p.ok || !n.ok) throw new Error(`bad fixture ${pattern} ${name}`);
  return domainMatches(p.value, n.value);
}

describe('parseDnsName', () => {
  it('lowercases and drops the trailing dot', () => {
    expect(parseDnsName('HttpBin.Example.COM.')).toEqual({
      ok: true,
      value: { name: 'httpbin.example.com', labels: ['httpbin', 'example', 'com'], wildcard: false },
    });
  });

  it.each([
    ['', 'is empty'],
    ['a..b.com', 'empty label'],
    ['-a.example.com', 'label "-a" must be 1-63'],
    ['a_b.example.com', 'label "a_b" must be 1-63'],
    [`${'a'.repeat(64)}.example.com`, 'must be 1-63'],
    [`${'a.'.repeat(127)}com`, 'longer than 253'],
    ['bücher.example.com', 'only ASCII'],
    ['a b.example.com', 'only ASCII'],
    ['foo*.example.com', 'a wildcard must be the whole leftmost label'],
    ['a.*.example.com', 'a wildcard must be the whole leftmost label'],
    ['*.com', 'a wildcard needs at least two labels under it'],
  ])('refuses %j (%s)', (name, why) => {
    const r = parseDnsName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });

  it('accepts a wildcard leftmost label', () => {
    expect(parseDnsName('*.example.com')).toMatchObject({ ok: true, value: { wildcard: true } });
  });
});

describe('domain patterns', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['example.com', 'www.example.com', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['**.example.com', 'a.b.example.com', true],
    ['**.example.com', 'example.com', false],
    ['**.example.com', '*.b.example.com', true],
    ['api-*.example.com', 'api-eu.example.com', true],
    ['api-*.example.com', 'api.example.com', false],
    ['api-*.example.com', 'web.example.com', false],
    ['api-*.example.com', '*.example.com', false],
    ['*.*.example.com', 'a.b.example.com', true],
    ['www.example.com', '*.example.com', false],
    ['example.com', 'notexample.com', false],
  ])('%s vs %s -> %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  it('api-* does not match a name whose first label only ends in api-', () => {
    // Guards the anchoring of label globs.
    expect(matches('api-*.example.com', 'xapi-1.example.com')).toBe(false);
  });

  it.each([
    ['', 'is empty'],
    ['**', 'needs a domain after it'],
    ['a.**.example.com', 'may only be the leftmost label'],
    ['exa_mple.com', 'is not a DNS label or a one-label glob'],
    ['***.example.com', 'is not a DNS label or a one-label glob'],
  ])('refuses pattern %j', (pattern, why) => {
    const r = parseDomainPattern(pattern);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});
