import {
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
