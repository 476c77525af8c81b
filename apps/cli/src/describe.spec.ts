import { describeGateway, describeVirtualService, serversUsing } from './describe.js';

const gw = (ns: string, name: string, servers: object[]) => ({
  metadata: { namespace: ns, name },
  spec: { servers },
});
const vs = (ns: string, name: string, gateways: string[]) => ({
  metadata: { namespace: ns, name },
  spec: { hosts: ['a.example.com'], gateways },
});

describe('describe views', () => {
  it.each([
    { ref: 'gw', vsNs: 'team-a', bound: true },
    { ref: './gw', vsNs: 'team-a', bound: true },
    { ref: 'team-a/gw', vsNs: 'team-b', bound: true },
    { ref: 'gw', vsNs: 'team-b', bound: false },
    { ref: 'team-b/gw', vsNs: 'team-b', bound: false },
  ])('a VirtualService in $vsNs naming $ref binds team-a/gw: $bound', ({ ref, vsNs, bound }) => {
    const out = describeVirtualService(vs(vsNs, 'v', [ref]), [gw('team-a', 'gw', [])]);
    expect(out).toMatch(bound ? /^Bound To:\s+team-a\/gw$/m : /^Bound To:\s+<none>/m);
  });

  it('a credential is used by servers naming it or naming the credential whose -cacert it is', () => {
    const gateways = [
      gw('istio-system', 'g', [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['a'],
          tls: { mode: 'MUTUAL', credentialName: 'web' },
        },
        {
          port: { number: 443, name: 'other', protocol: 'HTTPS' },
          hosts: ['b'],
          tls: { credentialName: 'other' },
        },
      ]),
    ];
    expect(serversUsing(gateways, 'istio-system', 'web')).toEqual([
      ['istio-system/g', 'https (HTTPS/443)', 'a', 'MUTUAL', 'same namespace'],
    ]);
    expect(serversUsing(gateways, 'istio-system', 'web-cacert')).toHaveLength(1);
    expect(serversUsing(gateways, 'istio-system', 'nothing')).toEqual([]);
  });

  it('names the listener and route each server compiles to, as istiod does', () => {
    const out = describeGateway({
      gateway: gw('istio-system', 'mygateway', [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['a'],
          tls: { mode: 'SIMPLE', credentialName: 'c' },
        },
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a'] },
        { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['p'], tls: { mode: 'PASSTHROUGH' } },
      ]),
      virtualServices: [],
      secrets: [{ metadata: { namespace: 'istio-system', name: 'c' } }],
    });
    expect(out).toMatch(
      /443\s+https\s+HTTPS\s+a\s+SIMPLE\s+c\s+0\.0\.0\.0_443\s+https\.443\.https\.mygateway\.istio-system/,
    );
    expect(out).toMatch(/80\s+http\s+HTTP\s+a\s+-\s+-\s+0\.0\.0\.0_80\s+http\.80/);
    expect(out).toMatch(/443\s+tls\s+TLS\s+p\s+PASSTHROUGH\s+-\s+0\.0\.0\.0_443\s+\(TCP proxy: no routes\)/);
    expect(out).toMatch(/^Accepted:\s+Unknown$/m);
  });
});
