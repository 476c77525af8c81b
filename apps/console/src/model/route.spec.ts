import { formatRoute, parseRoute, withParams } from './route.js';

describe('parseRoute', () => {
  it.each([
    ['', { page: 'overview', path: [], params: {} }],
    ['#/', { page: 'overview', path: [], params: {} }],
    ['#/nowhere/x', { page: 'overview', path: [], params: {} }],
    [
      '#/credentials?ns=payments&q=shop&sort=notAfter',
      { page: 'credentials', path: [], params: { ns: 'payments', q: 'shop', sort: 'notAfter' } },
    ],
    [
      '#/credential/payments/checkout-tls?left=1&right=2',
      { page: 'credential', path: ['payments', 'checkout-tls'], params: { left: '1', right: '2' } },
    ],
    [
      '#/proxies?proxy=istio-system%2Frouter~1~a',
      { page: 'proxies', path: [], params: { proxy: 'istio-system/router~1~a' } },
    ],
    ['#/audit?actor=&kind=ca-issuance', { page: 'audit', path: [], params: { kind: 'ca-issuance' } }],
    ['#/credential/%E0%A4%A', { page: 'credential', path: ['%E0%A4%A'], params: {} }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });
});

describe('formatRoute', () => {
  it('sorts parameters and drops empty ones, so equal routes are equal links', () => {
    expect(
      formatRoute({ page: 'audit', params: { team: 'b', actor: 'a', kind: '', since: undefined } }),
    ).toBe('#/audit?actor=a&team=b');
  });
  it('encodes path segments and round-trips through parseRoute', () => {
    const hash = formatRoute({ page: 'credential', path: ['ns', 'a/b c'], params: { left: '1' } });
    expect(hash).toBe('#/credential/ns/a%2Fb%20c?left=1');
    expect(parseRoute(hash)).toEqual({ page: 'credential', path: ['ns', 'a/b c'], params: { left: '1' } });
  });
  it('withParams changes, adds and removes parameters of the current route', () => {
    const route = parseRoute('#/credentials?ns=a&q=x');
    expect(withParams(route, { q: undefined, sort: 'name' })).toBe('#/credentials?ns=a&sort=name');
  });
});
