import { TypeUrl } from '#keyway/envoy-api';
import {
  parseRoutingResource,
  type Gateway,
  type KubeService,
  type RoutingResource,
  type VirtualService,
} from '#keyway/istio';
import {
  compileRoutes,
  RouteCompiler,
  SNAPSHOT_TYPE_URLS,
  type CompileInputs,
  type CompileResult,
} from './route-compiler.js';

function parsed<T extends RoutingResource>(manifest: unknown): T {
  const r = parseRoutingResource(manifest);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}

const created = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

const gateway = (i: number, port = 443): Gateway =>
  parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: `gw-${i}`, namespace: `team-${i % 3}`, creationTimestamp: created(i) },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: port, name: `https-${i}`, protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName: `cred-${i}` },
          hosts: [`host-${i}.example.com`],
        },
      ],
    },
  });

const virtualService = (i: number, prefix: string, host = `svc-${i}`): VirtualService =>
  parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: `vs-${i}`, namespace: `team-${i % 3}`, creationTimestamp: created(i) },
    spec: {
      hosts: [`host-${i}.example.com`],
      gateways: [`gw-${i}`],
      http: [
        { match: [{ uri: { prefix } }], route: [{ destination: { host, port: { number: 8000 } } }] },
        { route: [{ destination: { host: `svc-${i}`, port: { number: 8000 } } }] },
      ],
    },
  });

const service = (i: number): KubeService =>
  parsed({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: `team-${i % 3}` },
    spec: { ports: [{ name: 'http', port: 8000 }] },
  });

function fixture(n: number): CompileInputs {
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    gateways: ids.map((i) => gateway(i)),
    virtualServices: ids.map((i) => virtualService(i, '/api')),
    services: ids.map(service),
    group: { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
  };
}

/** Everything a consumer sees: names, versions, bytes' versions per type, and statuses. */
function view(r: CompileResult): unknown {
  return {
    resources: Object.fromEntries(
      SNAPSHOT_TYPE_URLS.map((t) => [t, r.resources[t].map((x) => `${x.name}@${x.version}`)]),
    ),
    versions: r.versions,
    statuses: r.statuses,
  };
}

describe('RouteCompiler', () => {
  it('changes only the edited route configuration, and nothing when nothing changed', () => {
    const inputs = fixture(20);
    const compiler = new RouteCompiler();
    const first = compiler.compile(inputs);
    expect(first.diff.added).toHaveLength(20 * 3 + 1);
    expect(compiler.compile({ ...inputs }).diff).toEqual({ added: [], changed: [], removed: [] });
    const edited = [...inputs.virtualServices];
    edited[7] = virtualService(7, '/v2');
    const second = compiler.compile({ ...inputs, virtualServices: edited });
    expect(second.diff).toEqual({
      added: [],
      changed: [{ typeUrl: TypeUrl.RouteConfiguration, name: 'https.443.https-7.gw-7.team-1' }],
      removed: [],
    });
    const before = first.resources[TypeUrl.Listener][0];
    expect(second.resources[TypeUrl.Listener][0]).toBe(before);
  });

  it('sees an edit when the caller mutates and reuses its inputs object', () => {
    const inputs = fixture(5);
    const compiler = new RouteCompiler();
    compiler.compile(inputs);
    inputs.virtualServices = inputs.virtualServices.map((v, k) =>
      k === 2 ? virtualService(2, '/moved') : v,
    );
    expect(compiler.compile(inputs).diff.changed).toEqual([
      { typeUrl: TypeUrl.RouteConfiguration, name: 'https.443.https-2.gw-2.team-2' },
    ]);
  });

  it('gives after any sequence of edits exactly what a fresh compile gives', () => {
    let inputs = fixture(30);
    const compiler = new RouteCompiler();
    compiler.compile(inputs);
    const edits: ((i: CompileInputs) => CompileInputs)[] = [
      (i) => ({
        ...i,
        virtualServices: i.virtualServices.map((v, k) => (k === 3 ? virtualService(3, '/edited') : v)),
      }),
      (i) => ({
        ...i,
        virtualServices: i.virtualServices.map((v, k) => (k === 3 ? virtualService(3, '/x', 'missing') : v)),
      }),
      (i) => ({
        ...i,
        virtualServices: i.virtualServices.map((v, k) => (k === 4 ? virtualService(4, '/x', 'svc-9') : v)),
      }),
      (i) => ({
        ...i,
        virtualServices: i.virtualServices.map((v, k) => (k === 4 ? virtualService(4, '/x') : v)),
      }),
      (i) => ({ ...i, virtualServices: i.virtualServices.filter((_, k) => k !== 5) }),
      (i) => ({
        ...i,
        gateways: [...i.gateways, gateway(40, 8443)],
        virtualServices: [...i.virtualServices, virtualService(40, '/new')],
      }),
      (i) => ({ ...i, services: i.services!.filter((_, k) => k !== 6) }),
      (i) => ({ ...i, gateways: i.gateways.filter((_, k) => k !== 8) }),
      (i) => ({ ...i, knownCredentials: new Set(['cred-1', 'cred-2']) }),
      (i) => ({ ...i, knownCredentials: undefined }),
      (i) => ({
        ...i,
        virtualServices: i.virtualServices.map((v, k) =>
          k % 2 === 0 ? virtualService(k < 5 ? k : k + 1, '/bulk') : v,
        ),
      }),
    ];
    for (const edit of edits) {
      inputs = edit(inputs);
      expect(view(compiler.compile(inputs))).toEqual(view(compileRoutes(inputs)));
    }
  });

  it('outputs sorted resources whatever the input order', () => {
    const inputs = fixture(12);
    const reversed = {
      ...inputs,
      gateways: [...inputs.gateways].reverse(),
      virtualServices: [...inputs.virtualServices].reverse(),
    };
    expect(view(compileRoutes(reversed))).toEqual(view(compileRoutes(inputs)));
    const names = compileRoutes(inputs).resources[TypeUrl.RouteConfiguration].map((r) => r.name);
    expect(names).toEqual([...names].sort());
  });
});
