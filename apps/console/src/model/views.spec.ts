import { gatewayViews, hostsMatch, routeNamesOf, virtualServiceViews } from './gateway-view.js';
import { inSync, proxySecretRows, shortType, typeStates } from './proxy-view.js';
import { credentialUsage } from './usage.js';
import { overviewSummary } from './overview.js';
import { auditFilters, auditQuery } from './audit-query.js';
import type { GatewayObject, ProxyRecord, ResourceStatus, VirtualServiceObject } from './api-types.js';

const gateway: GatewayObject = {
  metadata: { namespace: 'istio-system', name: 'edge-gateway' },
  spec: {
    servers: [
      {
        port: { number: 443, name: 'https-edge', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'edge-tls' },
        hosts: ['edge.example.com'],
      },
      {
        port: { number: 443, name: 'https-missing', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'missing-tls' },
        hosts: ['missing.example.com'],
      },
    ],
  },
};
const service: VirtualServiceObject = {
  metadata: { namespace: 'istio-system', name: 'edge' },
  spec: { hosts: ['edge.example.com'], gateways: ['edge-gateway'] },
};
const statuses: ResourceStatus[] = [
  {
    resource: 'Gateway/istio-system/edge-gateway',
    accepted: false,
    conditions: [
      {
        field: 'spec.servers[1].tls.credentialName',
        code: 'unknown-credential',
        message: 'no credential "missing-tls" in namespace of the proxies',
        severity: 'error',
      },
    ],
  },
];
const SECRET = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const proxy: ProxyRecord = {
  nodeId: 'router~1',
  namespace: 'istio-system',
  types: {
    [SECRET]: { acked: 'aa', current: 'aa', status: 'SYNCED' },
    [LISTENER]: { acked: 'bb', current: 'cc', status: 'STALE' },
  },
  secrets: { 'kubernetes://edge-tls': { sent: '5d1b1e69c2d04880', acked: '5d1b1e69c2d04880' } },
};

describe('gatewayViews', () => {
  const compiled = {
    listeners: [{ name: '0.0.0.0_443', routeNames: ['https.443.https-edge.edge-gateway.istio-system'] }],
    routeNames: ['https.443.https-edge.edge-gateway.istio-system', 'https.443.https-x.other.default'],
  };
  const [view] = gatewayViews([gateway], [service], statuses, compiled);

  it('places each refusal on its server, with the reason', () => {
    expect(view.accepted).toBe(false);
    expect(view.servers[0].refused).toEqual([]);
    expect(view.servers[1].refused.map((c) => c.code)).toEqual(['unknown-credential']);
    expect(view.refused).toEqual([]);
  });

  it('binds VirtualServices to hosts and names the compiled listener and routes', () => {
    expect(view.servers[0]).toMatchObject({
      port: '443 HTTPS https-edge',
      tlsMode: 'SIMPLE',
      credential: 'edge-tls',
      boundServices: { 'edge.example.com': ['istio-system/edge'] },
      routeNames: ['https.443.https-edge.edge-gateway.istio-system'],
      listenerNames: ['0.0.0.0_443'],
    });
    expect(view.servers[1]).toMatchObject({ boundServices: { 'missing.example.com': [] }, routeNames: [] });
  });

  it('a Gateway with no status is accepted', () => {
    expect(gatewayViews([gateway], [], [], { listeners: [], routeNames: [] })[0].accepted).toBe(true);
  });

  it('virtualServiceViews qualify Gateway names and carry refusals', () => {
    expect(
      virtualServiceViews(
        [service],
        [{ resource: 'VirtualService/istio-system/edge', accepted: false, conditions: [{ code: 'x' }] }],
      ),
    ).toEqual([
      {
        key: 'istio-system/edge',
        hosts: ['edge.example.com'],
        gateways: ['istio-system/edge-gateway'],
        refused: [{ code: 'x' }],
      },
    ]);
  });
});

describe('routeNamesOf and hostsMatch', () => {
  it('finds every route_config_name in a decoded listener', () => {
    const l = {
      filter_chains: [
        { filters: [{ typed_config: { rds: { route_config_name: 'a' } } }] },
        { filters: [{ typed_config: { rds: { route_config_name: 'b' } } }, { route_config_name: 'a' }] },
      ],
    };
    expect(routeNamesOf(l)).toEqual(['a', 'b']);
    expect(routeNamesOf(null)).toEqual([]);
  });
  it.each([
    ['a.example.com', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['a.example.com', '*.example.com', true],
    ['*', 'anything', true],
    ['a.example.com', 'b.example.com', false],
    ['*.example.com', 'example.com', false],
  ])('%s ~ %s: %s', (a, b, m) => {
    expect(hostsMatch(a, b)).toBe(m);
  });
});

describe('proxy views', () => {
  it('names types as operators do, in istioctl order, and is in sync only when all are SYNCED', () => {
    expect(shortType(LISTENER)).toBe('LDS');
    expect(typeStates(proxy).map((t) => `${t.type}:${t.status}`)).toEqual(['LDS:STALE', 'SDS:SYNCED']);
    expect(inSync(proxy)).toBe(false);
    expect(inSync({ ...proxy, types: { [SECRET]: { acked: 'a', current: 'a', status: 'SYNCED' } } })).toBe(
      true,
    );
    expect(inSync({ ...proxy, types: {} })).toBe(false);
  });

  it("matches a proxy's ACKed secret to its version in the history", () => {
    const history = [
      {
        namespace: 'istio-system',
        name: 'edge-tls',
        revision: 1,
        action: 'created',
        leafSerial: '2ffa',
        notAfter: '2027-02-02T00:00:00Z',
        contentHash: '5d1b1e69c2d04880ffff',
      },
    ];
    const latest = new Map([['edge-tls', '5d1b1e69c2d04880ffff']]);
    expect(proxySecretRows(proxy, latest, () => history)).toEqual([
      {
        resource: 'kubernetes://edge-tls',
        credential: 'edge-tls',
        status: 'SYNCED',
        acked: '5d1b1e69c2d04880',
        latest: '5d1b1e69c2d04880',
        serial: '2ffa',
        notAfter: '2027-02-02T00:00:00Z',
        revision: '1',
      },
    ]);
    expect(proxySecretRows(proxy, new Map([['edge-tls', 'ffff']]), () => history)[0].status).toBe('STALE');
    expect(proxySecretRows(proxy, new Map(), () => [])[0]).toMatchObject({ status: 'REMOVED', serial: '—' });
    expect(
      proxySecretRows(
        { ...proxy, secrets: { 'kubernetes://edge-tls': { sent: 'x' } } },
        latest,
        () => history,
      )[0].status,
    ).toBe('NOT ACKED');
  });
});

describe('credentialUsage', () => {
  it('finds the Gateway servers, hosts and proxies that use a credential', () => {
    expect(credentialUsage('istio-system', 'edge-tls', [gateway], [proxy])).toEqual({
      gateways: [
        {
          gateway: 'istio-system/edge-gateway',
          server: 0,
          port: '443 https-edge',
          hosts: ['edge.example.com'],
        },
      ],
      hosts: ['edge.example.com'],
      proxies: [
        {
          proxy: 'router~1',
          namespace: 'istio-system',
          resource: 'kubernetes://edge-tls',
          acked: '5d1b1e69c2d04880',
        },
      ],
    });
  });
  it('a proxy in another namespace holding a same-named secret does not use this one', () => {
    expect(credentialUsage('payments', 'edge-tls', [], [proxy]).proxies).toEqual([]);
  });
});

describe('overviewSummary', () => {
  it('counts, expiring windows, proxies out of sync and refusals with reasons', () => {
    const now = Date.parse('2026-12-04T00:00:00Z');
    const s = overviewSummary({
      notAfters: [now + 86_400_000, now + 20 * 86_400_000, undefined],
      gateways: [gateway],
      proxies: [proxy],
      statuses,
      now,
    });
    expect(s).toMatchObject({ credentials: 3, gateways: 1, hosts: 2, proxies: 1 });
    expect(s.expiry).toMatchObject({ within7Days: 1, within30Days: 2 });
    expect(s.proxiesOutOfSync).toEqual(['istio-system/router~1']);
    expect(s.refusals).toEqual([
      {
        resource: 'Gateway/istio-system/edge-gateway',
        field: 'spec.servers[1].tls.credentialName',
        code: 'unknown-credential',
        message: 'no credential "missing-tls" in namespace of the proxies',
      },
    ]);
  });
});

describe('audit query', () => {
  it('keeps known filters, trimmed and bounded, and pages', () => {
    const f = auditFilters({
      actor: ' alice ',
      team: '',
      kind: 'ca-issuance',
      other: 'x',
      namespace: 'n'.repeat(300),
    });
    expect(f).toEqual({ actor: 'alice', kind: 'ca-issuance', namespace: 'n'.repeat(256) });
    expect(auditQuery({ actor: 'alice', since: '24h' }, { limit: 100, cursor: 'c1' })).toBe(
      'since=24h&actor=alice&limit=100&cursor=c1',
    );
  });
});
