import { parseRoutingResource, type Gateway, type KubeService, type VirtualService } from '#keyway/istio';
import { buildIr } from './build.js';
import type { IrInputs } from './build.js';

function parsed<T>(manifest: unknown): T {
  const r = parseRoutingResource(manifest);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}

const gateway = (
  ns: string,
  name: string,
  host: string,
  created: string,
  selector = { istio: 'ingressgateway' },
): Gateway =>
  parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns, creationTimestamp: created },
    spec: {
      selector,
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName: `${name}-cred` },
          hosts: [host],
        },
      ],
    },
  });

const virtualService = (
  ns: string,
  name: string,
  host: string,
  gw: string,
  http: unknown[],
  created = '2026-01-01T00:00:00Z',
): VirtualService =>
  parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns, creationTimestamp: created },
    spec: { hosts: [host], gateways: [gw], http },
  });

const service = (ns: string, name: string): KubeService =>
  parsed({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ports: [{ name: 'http', port: 80 }] },
  });

const toSvc = (host: string) => ({ route: [{ destination: { host } }] });
const group = { namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'gw' } };

describe('IR build', () => {
  it('selects Gateways whose selector the proxy labels include, in any namespace', () => {
    const inputs: IrInputs = {
      gateways: [
        gateway('team-a', 'a', 'a.example.com', '2026-01-01T00:00:00Z'),
        gateway('team-b', 'b', 'b.example.com', '2026-01-01T00:00:00Z', { istio: 'other' } as never),
      ],
      virtualServices: [],
    };
    const ir = buildIr(inputs, group);
    expect(ir.listeners.flatMap((l) => l.servers.map((s) => s.id))).toEqual(['Gateway/team-a/a#servers[0]']);
    expect(buildIr(inputs, { namespace: 'istio-system', labels: {} }).listeners).toEqual([]);
  });

  it('resolves host conflicts the same way whatever the input order: the oldest Gateway wins', () => {
    const older = gateway('team-z', 'z', 'shared.example.com', '2026-01-01T00:00:00Z');
    const newer = gateway('team-a', 'a', 'shared.example.com', '2026-02-01T00:00:00Z');
    const tie = gateway('team-b', 'b', 'shared.example.com', '2026-01-01T00:00:00Z');
    const one = buildIr({ gateways: [newer, older, tie], virtualServices: [] }, group);
    const two = buildIr({ gateways: [tie, newer, older], virtualServices: [] }, group);
    expect(one.listeners[0].servers.map((s) => s.id)).toEqual(['Gateway/team-b/b#servers[0]']);
    expect(two.statuses).toEqual(one.statuses);
    expect(one.statuses.filter((s) => !s.accepted).map((s) => s.resource)).toEqual([
      'Gateway/team-a/a',
      'Gateway/team-z/z',
    ]);
  });

  it('orders routes by VirtualService age and moves catch-alls last', () => {
    const gw = gateway('default', 'gw', 'app.example.com', '2026-01-01T00:00:00Z');
    const ir = buildIr(
      {
        gateways: [gw],
        services: [service('default', 'web'), service('default', 'api')],
        virtualServices: [
          virtualService(
            'default',
            'late',
            'app.example.com',
            'gw',
            [{ match: [{ uri: { prefix: '/api' } }], ...toSvc('api') }],
            '2026-03-01T00:00:00Z',
          ),
          virtualService('default', 'early', 'app.example.com', 'gw', [
            toSvc('web'),
            { match: [{ uri: { exact: '/x' } }], ...toSvc('web') },
          ]),
        ],
      },
      group,
    );
    const routes = ir.routeTables[0].virtualHosts[0].routes.map(
      (r) => `${r.source.resource}#${r.source.http}`,
    );
    expect(routes).toEqual([
      'VirtualService/default/early#1',
      'VirtualService/default/late#0',
      'VirtualService/default/early#0',
    ]);
  });

  it('answers 503 for a route to an unknown service and reports it, leaving the others', () => {
    const ir = buildIr(
      {
        gateways: [gateway('default', 'gw', 'app.example.com', '2026-01-01T00:00:00Z')],
        services: [service('default', 'web')],
        virtualServices: [
          virtualService('default', 'vs', 'app.example.com', 'gw', [
            { match: [{ uri: { prefix: '/gone' } }], ...toSvc('gone') },
            toSvc('web'),
          ]),
        ],
      },
      group,
    );
    expect(ir.routeTables[0].virtualHosts[0].routes.map((r) => r.action.kind)).toEqual(['direct', 'forward']);
    expect(ir.clusters.map((c) => c.destination)).toEqual([
      { host: 'web.default.svc.cluster.local', port: 80 },
    ]);
    expect(ir.statuses.find((s) => s.resource === 'VirtualService/default/vs')).toMatchObject({
      accepted: false,
      conditions: [{ field: 'spec.http[0].route[0].destination.host', code: 'unknown-destination' }],
    });
  });

  it('drops a route with an expression RE2 refuses and keeps the rest', () => {
    const ir = buildIr(
      {
        gateways: [gateway('default', 'gw', 'app.example.com', '2026-01-01T00:00:00Z')],
        services: [service('default', 'web')],
        virtualServices: [
          virtualService('default', 'vs', 'app.example.com', 'gw', [
            { match: [{ uri: { regex: '(a)\\1' } }], ...toSvc('web') },
            { match: [{ uri: { regex: '/v[0-9]+/.*' } }], ...toSvc('web') },
          ]),
        ],
      },
      group,
    );
    expect(ir.routeTables[0].virtualHosts[0].routes.map((r) => r.source.http)).toEqual([1]);
    expect(ir.statuses.find((s) => s.resource === 'VirtualService/default/vs')?.conditions[0]).toMatchObject({
      field: 'spec.http[0].match[0].uri.regex',
      code: 'invalid-regex',
    });
  });
});
