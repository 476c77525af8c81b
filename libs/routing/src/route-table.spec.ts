import type { RouteConfiguration } from './envoy-shapes.js';
import type { RoutableRequest } from './request.js';
import { compileRouteConfiguration, type RouteTable } from './route-table.js';

function request(
  authority: string,
  path: string,
  headers: Record<string, string> = {},
  scheme: 'http' | 'https' = 'https',
): RoutableRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { authority, path, method: 'GET', scheme, header: (n) => lower[n] };
}

function table(config: RouteConfiguration): RouteTable {
  const result = compileRouteConfiguration(config);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.table;
}

const to = (cluster: string) => ({ route: { cluster } });

describe('virtual host selection', () => {
  const t = table({
    name: 'https.443.https.gw.istio-system',
    virtual_hosts: [
      {
        name: 'exact',
        domains: ['httpbin.example.com'],
        routes: [{ match: { prefix: '/' }, ...to('exact') }],
      },
      {
        name: 'with-port',
        domains: ['httpbin.example.com:8443'],
        routes: [{ match: { prefix: '/' }, ...to('with-port') }],
      },
      {
        name: 'suffix-long',
        domains: ['*.b.example.com'],
        routes: [{ match: { prefix: '/' }, ...to('suffix-long') }],
      },
      { name: 'suffix', domains: ['*.example.com'], routes: [{ match: { prefix: '/' }, ...to('suffix') }] },
      {
        name: 'prefix',
        domains: ['api.*', 'helloworld.example.org:*'],
        routes: [{ match: { prefix: '/' }, ...to('prefix') }],
      },
      { name: 'any', domains: ['*'], routes: [{ match: { prefix: '/' }, ...to('any') }] },
    ],
  });
  const clusterFor = (authority: string) => {
    const d = t.route(request(authority, '/'));
    return d.kind === 'forward' ? d.cluster : d.kind;
  };

  it('prefers exact names, then the longest suffix, then the longest prefix, then *', () => {
    expect(clusterFor('httpbin.example.com')).toBe('exact');
    expect(clusterFor('HTTPBIN.Example.COM')).toBe('exact');
    expect(clusterFor('httpbin.example.com:8443')).toBe('with-port');
    expect(clusterFor('x.b.example.com')).toBe('suffix-long');
    expect(clusterFor('other.example.com')).toBe('suffix');
    expect(clusterFor('api.internal')).toBe('prefix');
    expect(clusterFor('helloworld.example.org:8443')).toBe('prefix');
    expect(clusterFor('unknown.test')).toBe('any');
  });

  it('needs a wildcard to cover at least one character', () => {
    expect(clusterFor('.example.com')).toBe('any');
  });

  it('matches host:port literally unless the configuration ignores ports', () => {
    // strip_any_host_port is the connection manager's (the gateway strips Host per request, for
    // inline and RDS routes alike: apps/gateway http-handler); the table sees the stripped host.
    const strict = table({
      virtual_hosts: [{ name: 'h', domains: ['a.test'], routes: [{ match: { prefix: '/' }, ...to('a') }] }],
    });
    expect(strict.route(request('a.test:8443', '/')).kind).toBe('not-found');
    expect(strict.route(request('a.test', '/')).kind).toBe('forward');
    const ignore = table({
      ignore_port_in_host_matching: true,
      virtual_hosts: [{ name: 'h', domains: ['a.test'], routes: [{ match: { prefix: '/' }, ...to('a') }] }],
    });
    expect(ignore.route(request('a.test:8443', '/')).kind).toBe('forward');
  });
});

describe('route matching', () => {
  const t = table({
    virtual_hosts: [
      {
        name: 'vh',
        domains: ['*'],
        routes: [
          { name: 'exact', match: { path: '/status/418' }, ...to('exact') },
          { name: 'regex', match: { safe_regex: { regex: '/items/[0-9]+' } }, ...to('regex') },
          { name: 'sep', match: { path_separated_prefix: '/api' }, ...to('sep') },
          { name: 'ci', match: { prefix: '/CaSe', case_sensitive: { value: false } }, ...to('ci') },
          {
            name: 'hdr',
            match: { prefix: '/h', headers: [{ name: 'x-user', string_match: { exact: 'jason' } }] },
            ...to('hdr'),
          },
          {
            name: 'hdr-regex',
            match: { prefix: '/h', headers: [{ name: 'x-version', safe_regex_match: { regex: 'v[0-9]' } }] },
            ...to('hdr-regex'),
          },
          {
            name: 'without',
            match: {
              prefix: '/h',
              headers: [{ name: 'x-block', string_match: { exact: 'yes' }, invert_match: true }],
            },
            ...to('without'),
          },
          {
            name: 'query',
            match: { prefix: '/q', query_parameters: [{ name: 'debug', string_match: { exact: 'true' } }] },
            ...to('query'),
          },
          {
            name: 'query-present',
            match: { prefix: '/q', query_parameters: [{ name: 'trace', present_match: true }] },
            ...to('query-present'),
          },
          {
            name: 'present',
            match: { prefix: '/p', headers: [{ name: 'x-present', present_match: true }] },
            ...to('present'),
          },
          {
            name: 'absent',
            match: { prefix: '/p', headers: [{ name: 'x-present', present_match: false }] },
            ...to('absent'),
          },
          { name: 'fallback', match: { prefix: '/' }, ...to('fallback') },
        ],
      },
    ],
  });
  const pick = (path: string, headers: Record<string, string> = {}) => {
    const d = t.route(request('any.test', path, headers));
    return d.kind === 'forward' ? d.route : d.kind;
  };

  it('matches exact paths without the query string', () => {
    expect(pick('/status/418')).toBe('exact');
    expect(pick('/status/418?x=1')).toBe('exact');
    expect(pick('/status/4189')).toBe('fallback');
  });

  it('anchors safe_regex to the whole path', () => {
    expect(pick('/items/12')).toBe('regex');
    expect(pick('/items/12/x')).toBe('fallback');
  });

  it('matches path_separated_prefix only at a segment boundary', () => {
    expect(pick('/api')).toBe('sep');
    expect(pick('/api/v1')).toBe('sep');
    expect(pick('/apiv1')).toBe('fallback');
  });

  it('honours case_sensitive=false', () => {
    expect(pick('/case/x')).toBe('ci');
  });

  it('matches headers exactly, by regex, and inverted', () => {
    expect(pick('/h', { 'x-user': 'jason' })).toBe('hdr');
    expect(pick('/h', { 'x-version': 'v2' })).toBe('hdr-regex');
    expect(pick('/h', { 'x-version': 'v22' })).toBe('without');
    expect(pick('/h')).toBe('without');
    expect(pick('/h', { 'x-block': 'yes' })).toBe('fallback');
  });

  it('matches query parameters by value and presence, percent-decoded', () => {
    expect(pick('/q?debug=true')).toBe('query');
    expect(pick('/q?debug=%74rue')).toBe('query');
    expect(pick('/q?debug=false&trace')).toBe('query-present');
    expect(pick('/q?debug=false')).toBe('fallback');
  });

  it('tests header presence and absence', () => {
    expect(pick('/p', { 'x-present': '' })).toBe('present');
    expect(pick('/p')).toBe('absent');
  });

  it('answers not-found when no route matches', () => {
    const only = table({
      virtual_hosts: [{ name: 'vh', domains: ['a.test'], routes: [{ match: { path: '/x' }, ...to('x') }] }],
    });
    expect(only.route(request('a.test', '/y'))).toEqual({ kind: 'not-found', virtualHost: 'vh' });
    expect(only.route(request('b.test', '/x'))).toEqual({ kind: 'not-found' });
  });
});

describe('route actions', () => {
  const t = table({
    virtual_hosts: [
      {
        name: 'vh',
        domains: ['*'],
        retry_policy: { retry_on: 'connect-failure', num_retries: { value: 2 } },
        routes: [
          {
            match: { prefix: '/weighted' },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: 'v1', weight: { value: 75 } },
                  { name: 'v2', weight: { value: 25 } },
                ],
              },
            },
          },
          {
            match: { prefix: '/old/' },
            route: { cluster: 'svc', prefix_rewrite: '/new/', host_rewrite_literal: 'internal.svc' },
          },
          { match: { path: '/exact-old' }, route: { cluster: 'svc', prefix_rewrite: '/exact-new' } },
          {
            match: { safe_regex: { regex: '/v[0-9]+/items' } },
            route: { cluster: 'svc', prefix_rewrite: '/items' },
          },
          {
            match: { prefix: '/re/' },
            route: {
              cluster: 'svc',
              regex_rewrite: { pattern: { regex: '^/re/([a-z]+)/(\\d+)$' }, substitution: '/\\2/\\1' },
            },
          },
          {
            match: { prefix: '/slow' },
            route: {
              cluster: 'svc',
              timeout: { seconds: '2', nanos: 500_000_000 },
              retry_policy: {
                retry_on: '5xx,retriable-status-codes',
                num_retries: { value: 3 },
                per_try_timeout: { seconds: '1' },
                retriable_status_codes: [409],
              },
            },
          },
          { match: { prefix: '/forever' }, route: { cluster: 'svc', timeout: { seconds: '0' } } },
          { match: { prefix: '/by-header' }, route: { cluster_header: 'X-Cluster' } },
          {
            match: { prefix: '/teapot' },
            direct_response: { status: 418, body: { inline_string: "I'm a teapot" } },
          },
          { match: { prefix: '/' }, route: { cluster: 'svc' } },
        ],
      },
    ],
  });

  it('splits traffic by weight with the supplied random number', () => {
    const at = (r: number) => {
      const d = t.route(request('a', '/weighted'), r);
      return d.kind === 'forward' ? d.cluster : d.kind;
    };
    expect(at(0)).toBe('v1');
    expect(at(0.7499)).toBe('v1');
    expect(at(0.75)).toBe('v2');
    expect(at(0.9999)).toBe('v2');
  });

  it('rewrites prefixes and hosts, keeping the query', () => {
    expect(t.route(request('a', '/old/thing?x=1'))).toMatchObject({
      kind: 'forward',
      cluster: 'svc',
      path: '/new/thing?x=1',
      hostRewrite: 'internal.svc',
    });
    expect(t.route(request('a', '/exact-old'))).toMatchObject({ path: '/exact-new' });
    expect(t.route(request('a', '/v2/items?all'))).toMatchObject({ path: '/items?all' });
  });

  it('rewrites by regex with RE2 group references', () => {
    expect(t.route(request('a', '/re/abc/42'))).toMatchObject({ path: '/42/abc' });
  });

  it('describes timeouts and retries, defaulting to 15s and the virtual host retry policy', () => {
    expect(t.route(request('a', '/slow'))).toMatchObject({
      timeoutMs: 2500,
      retry: {
        retryOn: ['5xx', 'retriable-status-codes'],
        numRetries: 3,
        perTryTimeoutMs: 1000,
        retriableStatusCodes: [409],
      },
    });
    expect(t.route(request('a', '/anything'))).toMatchObject({
      timeoutMs: 15000,
      retry: { retryOn: ['connect-failure'], numRetries: 2 },
    });
    const forever = t.route(request('a', '/forever'));
    expect(forever.kind === 'forward' && forever.timeoutMs).toBeUndefined();
  });

  it('takes the cluster from a header, and 404s without it', () => {
    expect(t.route(request('a', '/by-header', { 'x-cluster': 'picked' }))).toMatchObject({
      kind: 'forward',
      cluster: 'picked',
    });
    expect(t.route(request('a', '/by-header')).kind).toBe('not-found');
  });

  it('answers direct responses', () => {
    const d = t.route(request('a', '/teapot'));
    expect(d.kind).toBe('direct');
    expect(d.kind === 'direct' && d.status).toBe(418);
    expect(d.kind === 'direct' && d.body?.toString()).toBe("I'm a teapot");
  });
});

describe('redirects', () => {
  const t = table({
    virtual_hosts: [
      {
        name: 'secure',
        domains: ['secure.test', 'secure.test:*'],
        require_tls: 'ALL',
        routes: [{ match: { prefix: '/' }, ...to('s') }],
      },
      {
        name: 'r',
        domains: ['r.test', 'r.test:*'],
        routes: [
          { match: { prefix: '/https' }, redirect: { https_redirect: true } },
          {
            match: { prefix: '/moved/' },
            redirect: { prefix_rewrite: '/here/', response_code: 'PERMANENT_REDIRECT' },
          },
          {
            match: { prefix: '/elsewhere' },
            redirect: {
              host_redirect: 'other.test',
              port_redirect: 9443,
              path_redirect: '/x?y=1',
              response_code: 'FOUND',
            },
          },
          {
            match: { prefix: '/strip' },
            redirect: { scheme_redirect: 'https', strip_query: true, response_code: 'TEMPORARY_REDIRECT' },
          },
        ],
      },
    ],
  });

  it('redirects to https, dropping a default port and keeping others', () => {
    expect(t.route(request('r.test', '/https/a?b=1', {}, 'http'))).toMatchObject({
      kind: 'redirect',
      status: 301,
      location: 'https://r.test/https/a?b=1',
    });
    expect(t.route(request('r.test:80', '/https', {}, 'http'))).toMatchObject({
      location: 'https://r.test/https',
    });
    expect(t.route(request('r.test:8080', '/https', {}, 'http'))).toMatchObject({
      location: 'https://r.test:8080/https',
    });
  });

  it('rewrites the prefix, host, port and path of the Location', () => {
    expect(t.route(request('r.test', '/moved/page'))).toMatchObject({
      status: 308,
      location: 'https://r.test/here/page',
    });
    expect(t.route(request('r.test', '/elsewhere?q=2'))).toMatchObject({
      status: 302,
      location: 'https://other.test:9443/x?y=1',
    });
    expect(t.route(request('r.test', '/strip?secret=1', {}, 'http'))).toMatchObject({
      status: 307,
      location: 'https://r.test/strip',
    });
  });

  it('sends plain HTTP to https when the virtual host requires TLS', () => {
    expect(t.route(request('secure.test', '/a', {}, 'http'))).toMatchObject({
      kind: 'redirect',
      status: 301,
      location: 'https://secure.test/a',
    });
    expect(t.route(request('secure.test', '/a', {}, 'https')).kind).toBe('forward');
  });
});

describe('validation', () => {
  it('returns every problem with its field path', () => {
    const result = compileRouteConfiguration({
      name: 'bad',
      virtual_hosts: [
        {
          name: 'a',
          domains: ['a.test', 'x*y'],
          routes: [{ match: { safe_regex: { regex: '(' } }, route: { cluster: 'c' } }],
        },
        {
          name: 'b',
          domains: ['A.test'],
          routes: [
            {
              match: { prefix: '/' },
              route: { weighted_clusters: { clusters: [{ name: 'c', weight: { value: 0 } }] } },
            },
          ],
        },
        {
          name: 'c',
          domains: ['c.test'],
          routes: [
            { match: { prefix: '/' } },
            {
              match: { headers: [{ name: 'x', safe_regex_match: { regex: '(a)\\1' } }] },
              route: { cluster: 'c' },
            },
          ],
        },
      ],
    });
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.errors.map((e) => e.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining([
        'virtual_hosts[0].domains[1]',
        'virtual_hosts[0].routes[0].match.safe_regex.regex',
        'virtual_hosts[1].domains[0]',
        'virtual_hosts[1].routes[0].route.weighted_clusters',
        'virtual_hosts[2].routes[0]',
        'virtual_hosts[2].routes[1].match',
      ]),
    );
  });

  it('rejects match features it cannot honour instead of ignoring them', () => {
    const result = compileRouteConfiguration({
      virtual_hosts: [
        {
          name: 'a',
          domains: ['*'],
          routes: [{ match: { prefix: '/', runtime_fraction: {} }, route: { cluster: 'c' } }],
        },
      ],
    });
    expect(!result.ok && result.errors[0]).toEqual({
      field: 'virtual_hosts[0].routes[0].match.runtime_fraction',
      message: 'not supported by keyway gateway',
    });
  });
});
