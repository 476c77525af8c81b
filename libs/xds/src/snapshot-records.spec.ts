import { proxyGroupId, validatePayload, xdsResourceRecord, proxyGroupRecord } from '#keyway/contracts';
import { decodeMessage, TypeUrl } from '#keyway/envoy-api';
import { parseRoutingResource, type Gateway, type KubeService, type VirtualService } from '#keyway/istio';
import { RouteCompiler, type CompileInputs } from './route-compiler.js';
import { allSnapshotRecords, groupRecord, snapshotChanges } from './snapshot-records.js';

const parsed = <T>(m: unknown): T => {
  const r = parseRoutingResource(m);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
};

const vs = (prefix: string): VirtualService =>
  parsed({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'httpbin' },
    spec: {
      hosts: ['httpbin.example.com'],
      gateways: ['mygateway'],
      http: [
        {
          match: [{ uri: { prefix } }],
          route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }],
        },
      ],
    },
  });

const inputs: CompileInputs = {
  gateways: [
    parsed<Gateway>({
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
    }),
  ],
  virtualServices: [vs('/status')],
  services: [
    parsed<KubeService>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'httpbin' },
      spec: { ports: [{ name: 'http', port: 8000 }] },
    }),
  ],
  group: { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
};

describe('snapshot records', () => {
  it('writes valid bucket records, then only what an edit changed', () => {
    const compiler = new RouteCompiler();
    const first = compiler.compile(inputs);
    const groupId = proxyGroupId('istio-system', { istio: 'ingressgateway' });
    const all = allSnapshotRecords(groupId, first);
    expect(all).toHaveLength(4);
    for (const w of all) {
      expect(validatePayload(xdsResourceRecord, w.value).ok).toBe(true);
      expect(w.key.startsWith(`${groupId}.`)).toBe(true);
    }
    const route = all.find((w) => w.value.typeUrl === TypeUrl.RouteConfiguration)!;
    expect(
      decodeMessage(TypeUrl.RouteConfiguration, Buffer.from(route.value.resource, 'base64')),
    ).toMatchObject({
      name: 'https.443.https.mygateway.default',
    });
    const group = groupRecord(first);
    expect(validatePayload(proxyGroupRecord, group).ok).toBe(true);
    expect(group).toMatchObject({ groupId, resourceCount: 4 });

    expect(snapshotChanges(groupId, compiler.compile(inputs))).toEqual({ puts: [], deletes: [] });
    const edited = compiler.compile({ ...inputs, virtualServices: [vs('/delay')] });
    const changes = snapshotChanges(groupId, edited);
    expect(changes.deletes).toEqual([]);
    expect(changes.puts.map((p) => p.key)).toEqual([route.key]);
    expect(changes.puts[0].value.version).not.toBe(route.value.version);
    expect(groupRecord(edited).version).not.toBe(group.version);
  });
});
