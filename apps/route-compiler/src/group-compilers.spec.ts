import { proxyGroupId } from '#keyway/contracts';
import { GroupCompilers } from './group-compilers.js';
import { ProxyGroups } from './proxy-groups.js';
import { ResourceStore } from './resource-store.js';

const gateway = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'mygateway' },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'httpbin-credential' },
        hosts: ['httpbin.example.com'],
      },
    ],
  },
};
const vs = (prefix: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'httpbin' },
  spec: {
    hosts: ['httpbin.example.com'],
    gateways: ['mygateway'],
    http: [
      { match: [{ uri: { prefix } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
    ],
  },
});
const proxy = (labels: Record<string, string>) => ({
  schemaVersion: 1 as const,
  nodeId: 'router~10.0.0.1~gw.istio-system~istio-system.svc.cluster.local',
  namespace: 'istio-system',
  labels,
  groupId: proxyGroupId('istio-system', labels),
  replica: 'r1',
  connectedSince: '2026-01-01T00:00:00.000Z',
  streams: 1,
  acked: {},
});

describe('route compiler core', () => {
  it('compiles per proxy group, publishes only changes, and drops a group whose proxies left', () => {
    const store = new ResourceStore();
    expect(store.apply('api', gateway).ok).toBe(true);
    expect(store.apply('directory', vs('/status')).ok).toBe(true);
    const groups = new ProxyGroups();
    expect(groups.put('p1', proxy({ istio: 'ingressgateway' }))).toBe(true);
    expect(groups.put('p2', proxy({ istio: 'ingressgateway' }))).toBe(false);
    const compilers = new GroupCompilers();

    const first = compilers.compile(store.inputs(), groups.groups());
    expect(first.outputs).toHaveLength(1);
    // No Service declares httpbin: the route answers 503 and no cluster is published.
    expect(first.outputs[0].changes.puts.map((p) => p.value.name).sort()).toEqual([
      '0.0.0.0_443',
      'https.443.https.mygateway.default',
    ]);
    expect(compilers.compile(store.inputs(), groups.groups()).outputs[0].changes).toEqual({
      puts: [],
      deletes: [],
    });

    const before = store.inputs().gateways;
    store.apply('directory', vs('/delay'));
    expect(store.inputs().gateways).toBe(before);
    const edited = compilers.compile(store.inputs(), groups.groups()).outputs[0].changes;
    expect(edited.puts.map((p) => p.value.name)).toEqual(['https.443.https.mygateway.default']);

    groups.delete('p1');
    expect(groups.delete('p2')).toBe(true);
    const gone = compilers.compile(store.inputs(), groups.groups());
    expect(gone.outputs).toEqual([]);
    expect(gone.removed[0].keys).toHaveLength(2);
  });

  it('refuses an invalid manifest with field errors and keeps the last good one', () => {
    const store = new ResourceStore();
    store.apply('api', gateway);
    const bad = store.apply('api', { ...gateway, spec: { servers: [] } });
    expect(bad.ok).toBe(false);
    expect(store.get('Gateway/default/mygateway')?.resource.kind).toBe('Gateway');
    expect(store.inputs().gateways).toHaveLength(1);
  });
});
