import { HostOwnership } from '#keyway/tenancy';
import { analyzeRouting } from './routing-analysis.js';
import { ResourceStore } from './resource-store.js';

const gateway = (name: string, credentialName: string, host: string, namespace = 'istio-system') => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName },
        hosts: [host],
      },
    ],
  },
});
const virtualService = (name: string, host: string, gateways: string[], namespace = 'istio-system') => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: {
    hosts: [host],
    gateways,
    http: [{ route: [{ destination: { host: 'httpbin.example.com', port: { number: 8000 } } }] }],
  },
});
const serviceEntry = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'httpbin', namespace: 'istio-system' },
  spec: {
    hosts: ['httpbin.example.com'],
    ports: [{ number: 8000, name: 'http', protocol: 'HTTP' }],
    resolution: 'DNS',
  },
};
const ingress = { groupId: 'g1', namespace: 'istio-system', labels: { istio: 'ingressgateway' } };

function stored(...manifests: unknown[]): ResourceStore {
  const store = new ResourceStore();
  for (const m of manifests) {
    const r = store.apply('api', m);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
  }
  return store;
}

const analyze = (
  store: ResourceStore,
  manifests: unknown[],
  extra: {
    credentials?: Array<{ namespace: string; name: string }>;
    known?: string[];
    teams?: HostOwnership;
  } = {},
) =>
  analyzeRouting({
    store,
    manifests,
    groups: [ingress],
    ownership: extra.teams ?? new HostOwnership([]),
    knownCredentials: () => new Set(extra.known ?? ['web-cred']),
    credentials: extra.credentials ?? [],
  });

const codes = (r: ReturnType<typeof analyzeRouting>) =>
  r.findings.map((f) => `${f.code} ${f.resource} ${f.field ?? ''}`);

describe('analyzeRouting: a dry-run apply of routing manifests', () => {
  it('a clean VirtualService for a stored Gateway: no findings, and the store is left as it was', () => {
    const store = stored(serviceEntry, gateway('web', 'web-cred', 'web.example.com'));
    const r = analyze(store, [virtualService('web', 'web.example.com', ['web'])]);
    expect(r.findings).toEqual([]);
    expect(r.objects).toEqual([{ resource: 'VirtualService/istio-system/web', exists: false }]);
    expect(store.get('VirtualService/istio-system/web')).toBeUndefined();
  });

  it.each([
    {
      what: 'a credential that does not exist',
      manifests: [gateway('typo', 'web-crde', 'typo.example.com')],
      expected: ['IST0101 Gateway/istio-system/typo spec.servers[0].tls.credentialName'],
    },
    {
      what: 'a Gateway that does not exist',
      manifests: [virtualService('lost', 'web.example.com', ['web', 'nowhere'])],
      expected: ['IST0101 VirtualService/istio-system/lost spec.gateways[1]'],
    },
    {
      what: 'a host its Gateway does not serve',
      manifests: [virtualService('stray', 'stray.example.com', ['web'])],
      expected: ['IST0132 VirtualService/istio-system/stray spec.hosts'],
    },
    {
      what: 'a host another Gateway serves on the same port',
      manifests: [gateway('xthief', 'web-cred', 'web.example.com')],
      expected: ['IST0145 Gateway/istio-system/xthief spec.servers[0].hosts'],
    },
    {
      what: 'a manifest that does not parse',
      manifests: [{ ...gateway('bad', 'web-cred', 'bad.example.com'), spec: { servers: 'no' } }],
      expected: ['IST0106 Gateway/istio-system/bad spec.servers'],
    },
  ])('$what', ({ manifests, expected }) => {
    const store = stored(serviceEntry, gateway('web', 'web-cred', 'web.example.com'));
    expect(codes(analyze(store, manifests))).toEqual(expected);
  });

  it('a Secret of the same request counts as existing, and one no Gateway uses is reported', () => {
    const store = stored(serviceEntry);
    const r = analyze(store, [gateway('new', 'new-cred', 'new.example.com')], {
      known: [],
      credentials: [
        { namespace: 'istio-system', name: 'new-cred' },
        { namespace: 'istio-system', name: 'spare' },
      ],
    });
    expect(codes(r)).toEqual(['KW0107 Secret/istio-system/spare ']);
  });

  it("a host of another team's domain: refused by the tenancy filter, as the real compile would", () => {
    const teams = new HostOwnership([
      { name: 'pay', namespaces: ['pay'], domains: ['pay.example.com'] },
      { name: 'shop', namespaces: ['shop'], domains: ['shop.example.com'] },
    ]);
    const store = stored(serviceEntry);
    const r = analyze(store, [gateway('grab', 'web-cred', 'pay.example.com', 'shop')], { teams });
    expect(codes(r)).toContain('KW0205 Gateway/shop/grab spec.servers[0].hosts[0]');
  });

  it("names each analyzed TLS server's credential where the proxies look it up (for the certificate-name check)", () => {
    const store = stored(serviceEntry, gateway('web', 'web-cred', 'web.example.com'));
    // A Gateway of team namespace `shop` selecting the istio-system proxies: looked up in istio-system.
    const r = analyze(store, [gateway('shop', 'shop-cred', 'shop.example.com', 'shop')], {
      known: ['web-cred', 'shop-cred'],
    });
    expect(r.credentialUses).toEqual([
      {
        gateway: 'Gateway/shop/shop',
        server: 0,
        namespace: 'istio-system',
        credentialName: 'shop-cred',
        hosts: ['shop.example.com'],
      },
    ]);
    // Stored Gateways are not analyzed; a Gateway no connected proxy gets: its own namespace.
    const lonely = analyzeRouting({
      store,
      manifests: [gateway('alone', 'alone-cred', 'alone.example.com', 'shop')],
      groups: [],
      ownership: new HostOwnership([]),
      knownCredentials: () => new Set(),
      credentials: [],
    });
    expect(lonely.credentialUses?.map((u) => `${u.namespace}/${u.credentialName}`)).toEqual([
      'shop/alone-cred',
    ]);
  });
});
