import {
  compileFilterChainSelector,
  criteriaKey,
  selectFilterChain,
  type ConnectionFacts,
  type FilterChainCriteria,
} from './filter-chain-match.js';

const chain = (name: string, c: Partial<FilterChainCriteria>) => ({
  name,
  criteria: { serverNames: [], applicationProtocols: [], ...c },
});
const facts = (f: Partial<ConnectionFacts>): ConnectionFacts => ({
  destinationPort: 443,
  transportProtocol: 'tls',
  applicationProtocols: [],
  ...f,
});

describe('selectFilterChain', () => {
  const chains = [
    chain('httpbin', { serverNames: ['httpbin.example.com'] }),
    chain('wild', { serverNames: ['*.example.com'] }),
    chain('deep-wild', { serverNames: ['*.internal.example.com'] }),
    chain('plain', { transportProtocol: 'raw_buffer' }),
    chain('tls-catch-all', { transportProtocol: 'tls' }),
  ];
  const pick = (f: Partial<ConnectionFacts>) => selectFilterChain(chains, facts(f))?.name;

  it('prefers an exact server name, then the most specific wildcard', () => {
    expect(pick({ serverName: 'httpbin.example.com' })).toBe('httpbin');
    expect(pick({ serverName: 'a.internal.example.com' })).toBe('deep-wild');
    expect(pick({ serverName: 'helloworld.example.com' })).toBe('wild');
  });

  it('falls back to chains without server names, then by transport protocol', () => {
    expect(pick({ serverName: 'other.test' })).toBe('tls-catch-all');
    expect(pick({})).toBe('tls-catch-all');
    expect(pick({ transportProtocol: 'raw_buffer' })).toBe('plain');
  });

  it('returns undefined when nothing matches', () => {
    expect(
      selectFilterChain([chain('only', { serverNames: ['a.test'] })], facts({ serverName: 'b.test' })),
    ).toBeUndefined();
    expect(
      selectFilterChain([chain('port', { destinationPort: 8443 })], facts({ destinationPort: 443 })),
    ).toBeUndefined();
  });

  it('matches application protocols', () => {
    const alpn = [chain('h2', { applicationProtocols: ['h2'] }), chain('any', {})];
    expect(selectFilterChain(alpn, facts({ applicationProtocols: ['h2', 'http/1.1'] }))?.name).toBe('h2');
    expect(selectFilterChain(alpn, facts({ applicationProtocols: ['http/1.1'] }))?.name).toBe('any');
  });

  it('keys equal criteria equally regardless of order and case', () => {
    expect(criteriaKey({ serverNames: ['B.test', 'a.test'], applicationProtocols: [] })).toBe(
      criteriaKey({ serverNames: ['a.test', 'b.test'], applicationProtocols: [] }),
    );
  });
});

describe('compileFilterChainSelector', () => {
  const names = [
    chain('httpbin', { serverNames: ['httpbin.example.com'] }),
    chain('also-httpbin', { serverNames: ['HTTPBIN.example.com', 'other.test'] }),
    chain('wild', { serverNames: ['*.example.com'] }),
    chain('deep-wild', { serverNames: ['*.internal.example.com', 'exact.test'] }),
    chain('second-wild', { serverNames: ['*.example.com', 'x.test'] }),
    chain('catch-all', {}),
    chain('second-catch-all', { serverNames: [] }),
  ];
  const sets = {
    'server names': names,
    'server names without a catch-all': names.filter((c) => c.criteria.serverNames.length > 0),
    'one chain without criteria': [chain('only', {})],
    'no chains': [],
    'other criteria (fallback)': [
      chain('h2', { applicationProtocols: ['h2'], serverNames: ['a.example.com'] }),
      chain('plain', { transportProtocol: 'raw_buffer' }),
      ...names,
    ],
  };
  const serverNames = [
    undefined,
    'httpbin.example.com',
    'HttpBin.Example.com',
    'other.test',
    'a.internal.example.com',
    'internal.example.com',
    'x.y.example.com',
    'example.com',
    '.example.com',
    'exact.test',
    'x.test',
    'nothing.else',
  ];

  it.each(Object.entries(sets))('chooses as selectFilterChain does: %s', (_, chains) => {
    const select = compileFilterChainSelector(chains);
    for (const serverName of serverNames) {
      for (const f of [
        facts({ serverName }),
        facts({ serverName, applicationProtocols: ['h2'] }),
        facts({ serverName, transportProtocol: 'raw_buffer' }),
      ]) {
        expect([serverName, select(f)?.name]).toEqual([serverName, selectFilterChain(chains, f)?.name]);
      }
    }
  });
});
