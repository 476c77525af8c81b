import { HostOwnership } from './host-ownership.js';

const ownership = new HostOwnership([
  { name: 'shop', namespaces: ['shop', 'shop-staging'], domains: ['*.shop.example.com', 'shop.example.com'] },
  { name: 'pay', namespaces: ['pay'], domains: ['pay.example.com', '*.pay.example.com'] },
  { name: 'web', namespaces: ['web'], domains: ['*.example.com'] },
]);

describe('host ownership', () => {
  it.each([
    // A team's own hosts, exact and under its wildcard, wildcard hosts included.
    { ns: 'shop', host: 'shop.example.com', ok: true },
    { ns: 'shop', host: 'api.shop.example.com', ok: true },
    { ns: 'shop-staging', host: '*.shop.example.com', ok: true },
    // Another team's host: refused, naming the owner.
    { ns: 'shop', host: 'pay.example.com', ok: false, rule: 'host-owned-by-another-team', owner: 'pay' },
    { ns: 'shop', host: '*.pay.example.com', ok: false, rule: 'host-owned-by-another-team', owner: 'pay' },
    // The most specific domain wins: web's catch-all does not own shop's names.
    { ns: 'web', host: 'api.shop.example.com', ok: false, rule: 'host-owned-by-another-team', owner: 'shop' },
    { ns: 'web', host: 'www.example.com', ok: true },
    // A wildcard wider than the team's domain is not the team's.
    { ns: 'shop', host: '*.example.com', ok: false, rule: 'host-owned-by-another-team', owner: 'web' },
    // `*` and hosts outside every team's domains are the platform's.
    { ns: 'shop', host: '*', ok: false, rule: 'host-outside-team-domains', owner: 'platform' },
    { ns: 'pay', host: 'httpbin.other.org', ok: false, rule: 'host-outside-team-domains', owner: 'platform' },
    // Namespaces of no team are the platform's: any host (Istio's walkthrough, run by the admin).
    { ns: 'istio-system', host: 'pay.example.com', ok: true },
    { ns: 'default', host: '*', ok: true },
    // Case does not matter in DNS.
    { ns: 'pay', host: 'PAY.example.com', ok: true },
  ])('$ns claiming $host: $ok', ({ ns, host, ok, rule, owner }) => {
    const verdict = ownership.check(ns, host);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect({ rule: verdict.rule, owner: verdict.owner }).toEqual({ rule, owner });
  });

  it('says who owns a host', () => {
    expect(ownership.ownerOf('a.b.shop.example.com')).toBe('shop');
    expect(ownership.ownerOf('example.com')).toBeUndefined();
    expect(ownership.teamOf('pay')).toBe('pay');
    expect(ownership.teamOf('istio-system')).toBeUndefined();
  });
});
