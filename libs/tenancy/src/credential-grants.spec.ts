import { parseRoutingResource, type Gateway, type ReferenceGrant } from '#keyway/istio';
import { grantedGateways } from './credential-grants.js';
import { HostOwnership } from './host-ownership.js';

const ownership = new HostOwnership([{ name: 'shop', namespaces: ['shop'], domains: ['shop.example.com'] }]);

function parse<T>(m: unknown): T {
  const r = parseRoutingResource(m);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}
const gateway = (namespace: string, credentialName: string) =>
  parse<Gateway>({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName },
          hosts: ['shop.example.com'],
        },
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] },
      ],
    },
  });
const grant = (namespace: string, from: string, names?: string[]) =>
  parse<ReferenceGrant>({
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'g', namespace },
    spec: {
      from: [{ group: 'networking.istio.io', kind: 'Gateway', namespace: from }],
      to: names
        ? names.map((name) => ({ group: '', kind: 'Secret', name }))
        : [{ group: '', kind: 'Secret' }],
    },
  });

describe('credential grants', () => {
  it.each([
    ["a team's Gateway, another namespace's credential, no grant: refused", 'shop', 'wild', [], false],
    ['granted by name', 'shop', 'wild', [grant('istio-system', 'shop', ['wild'])], true],
    ['a grant of every Secret in the namespace', 'shop', 'wild', [grant('istio-system', 'shop')], true],
    ['a grant for another namespace', 'shop', 'wild', [grant('istio-system', 'pay', ['wild'])], false],
    ['a grant for another Secret', 'shop', 'wild', [grant('istio-system', 'shop', ['other'])], false],
    ['a grant kept in the wrong namespace', 'shop', 'wild', [grant('shop', 'shop', ['wild'])], false],
    [
      'the CA half of a granted credential',
      'shop',
      'wild-cacert',
      [grant('istio-system', 'shop', ['wild'])],
      true,
    ],
    ["the platform's Gateway (a namespace of no team)", 'default', 'wild', [], true],
    ["a Gateway in the proxies' own namespace", 'istio-system', 'wild', [], true],
  ] as const)('%s', (_what, ns, credential, grants, allowed) => {
    const gw = gateway(ns, credential);
    const r = grantedGateways([gw], grants as readonly ReferenceGrant[], 'istio-system', ownership);
    expect(r.gateways[0]?.servers.length).toBe(allowed ? 2 : 1);
    expect(r.conditions.map((c) => c.condition.code)).toEqual(allowed ? [] : ['credential-not-granted']);
  });

  it('names the credential, both namespaces and the grant that would allow it', () => {
    const r = grantedGateways([gateway('shop', 'wild')], [], 'istio-system', ownership);
    expect(r.conditions[0]).toEqual({
      resource: 'Gateway/shop/gw',
      condition: {
        field: 'spec.servers[0].tls.credentialName',
        code: 'credential-not-granted',
        severity: 'error',
        message:
          'credential "wild" is in namespace istio-system: a Gateway of namespace shop (team shop) may use it only with a ReferenceGrant in istio-system from Gateways of shop to Secret wild',
      },
    });
  });

  it('refuses grants keyway does not honour', () => {
    const r = parseRoutingResource({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'istio-system' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }],
        to: [{ group: '', kind: 'Service' }],
      },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toEqual(['spec.from[0]', 'spec.to[0]']);
  });
});
