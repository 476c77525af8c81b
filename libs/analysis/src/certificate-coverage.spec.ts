import { certificateCovers, coverageFindings, type CredentialUse } from './certificate-coverage.js';
import { formatFinding } from './finding.js';

describe('certificateCovers (RFC 6125: a wildcard is the whole leftmost label and stands for one label)', () => {
  it.each([
    ['a.example.com', 'a.example.com', true],
    ['A.Example.COM', 'a.example.com', true],
    ['a.example.com.', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['a.example.com', '*.example.com', false],
    ['*.b.example.com', '*.example.com', false],
    ['b.example.com', 'a.example.com', false],
    ['*.example.com', 'a.example.org', false],
    ['example.com', 'a.example.com', false],
  ])('%s covers %s: %s', (name, host, want) => {
    expect(certificateCovers(name, host)).toBe(want);
  });
});

describe('coverageFindings', () => {
  const use = (hosts: string[], over: Partial<CredentialUse> = {}): CredentialUse => ({
    gateway: 'Gateway/shop/web',
    server: 1,
    namespace: 'istio-system',
    credentialName: 'shop-credential',
    hosts,
    ...over,
  });
  const names: Record<string, string[]> = {
    'istio-system/shop-credential': ['shop.example.com', '*.shop.example.com'],
    'istio-system/ca-only': [],
  };
  const hostsOf = (ns: string, name: string) => names[`${ns}/${name}`];

  it('warns on each host the certificate does not name, on the server’s hosts field', () => {
    const found = coverageFindings(
      [use(['shop.example.com', 'a.shop.example.com', 'other.example.com'])],
      hostsOf,
    );
    expect(found.map(formatFinding)).toEqual([
      'Warning [KW0108] (Gateway shop/web) spec.servers[1].hosts: host "other.example.com" is not among the names of the certificate in credential istio-system/shop-credential: clients that check the name will refuse the handshake',
    ]);
  });

  it('judges a wildcard host only by the same wildcard, and never host `*`', () => {
    expect(coverageFindings([use(['*.shop.example.com', '*'])], hostsOf)).toEqual([]);
    expect(coverageFindings([use(['*.example.com'])], hostsOf)).toHaveLength(1);
  });

  it('skips credentials whose names are unknown (missing: reported elsewhere) or that hold no certificate', () => {
    expect(coverageFindings([use(['x.example.com'], { credentialName: 'missing' })], hostsOf)).toEqual([]);
    expect(coverageFindings([use(['x.example.com'], { credentialName: 'ca-only' })], hostsOf)).toEqual([]);
  });

  it('reports a host once when several proxy groups of one namespace get the server', () => {
    expect(coverageFindings([use(['other.example.com']), use(['other.example.com'])], hostsOf)).toHaveLength(
      1,
    );
  });
});
