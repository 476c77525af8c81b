import { parseRoutingResource, type RoutingResource } from '#keyway/istio';
import { buildIr } from './build.js';
import { irFromJson, irToJson } from './ir-json.js';
import type { IrSnapshot } from './model.js';

function parsed<T extends RoutingResource>(manifest: unknown): T {
  const r = parseRoutingResource(manifest);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}

const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' });
const group = { namespace: 'istio-system', labels: { istio: 'ingressgateway' } };

/** A snapshot touching most of the model: TLS, redirects, matches, endpoints and a failing status. */
function sampleIr(): IrSnapshot {
  return buildIr(
    {
      gateways: [
        parsed({
          apiVersion: 'networking.istio.io/v1',
          kind: 'Gateway',
          metadata: meta('gw'),
          spec: {
            selector: { istio: 'ingressgateway' },
            servers: [
              {
                port: { number: 80, name: 'http', protocol: 'HTTP' },
                tls: { httpsRedirect: true },
                hosts: ['*'],
              },
              {
                port: { number: 443, name: 'https', protocol: 'HTTPS' },
                tls: { mode: 'MUTUAL', credentialName: 'cred', subjectAltNames: ['spiffe://client'] },
                hosts: ['a.example.com'],
              },
            ],
          },
        }),
      ],
      virtualServices: [
        parsed({
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: meta('vs'),
          spec: {
            hosts: ['a.example.com'],
            gateways: ['gw'],
            http: [
              {
                match: [{ uri: { prefix: '/api' }, headers: { 'x-team': { exact: 'a' } } }],
                route: [
                  { destination: { host: 'svc', port: { number: 80 } }, weight: 90 },
                  { destination: { host: 'missing', port: { number: 80 } }, weight: 10 },
                ],
                timeout: '2s',
              },
              { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new' } },
              { match: [{ uri: { regex: '(' } }], route: [{ destination: { host: 'svc' } }] },
            ],
          },
        }),
      ],
      services: [
        parsed({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta('svc'),
          spec: { ports: [{ name: 'http', port: 80 }] },
        }),
      ],
      endpointSlices: [
        parsed({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { ...meta('svc-x1'), labels: { 'kubernetes.io/service-name': 'svc' } },
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080 }],
          endpoints: [{ addresses: ['10.0.0.1'] }],
        }),
      ],
      knownCredentials: new Set(['cred', 'cred-cacert']),
    },
    group,
  );
}

describe('IR JSON', () => {
  it('round-trips a built snapshot, statuses included, and writes the same text again', () => {
    const ir = sampleIr();
    const text = irToJson(ir);
    const back = irFromJson(text);
    expect(back).toEqual(ir);
    expect(back.statuses).toEqual(ir.statuses);
    expect(irToJson(back)).toBe(text);
    // The sample exercises what the golden files rely on.
    expect(back.statuses.some((s) => !s.accepted)).toBe(true);
    expect(back.clusters.some((c) => c.endpoints.length > 0)).toBe(true);
    expect(back.listeners.some((l) => l.servers.some((s) => s.tls?.mode === 'MUTUAL'))).toBe(true);
  });

  it('leaves undefined fields out, as absent and undefined read the same', () => {
    const ir = sampleIr();
    const endpoint = { address: '10.0.0.9', port: 80, weight: undefined };
    const text = irToJson({ ...ir, clusters: [{ ...ir.clusters[0], endpoints: [endpoint] }] });
    expect(irFromJson(text).clusters[0].endpoints).toStrictEqual([{ address: '10.0.0.9', port: 80 }]);
  });

  it.each([
    ['a Map', new Map(), /clusters\[0\]\.endpoints is a Map/],
    ['a Set', new Set(), /clusters\[0\]\.endpoints is a Set/],
    ['a class instance', new (class Endpoints {})(), /clusters\[0\]\.endpoints is a Endpoints/],
    ['an undefined item', [undefined], /clusters\[0\]\.endpoints\[0\] is undefined/],
    ['a hole', new Array(1), /clusters\[0\]\.endpoints\[0\] is undefined/],
    ['Infinity', [{ address: '10.0.0.1', port: Infinity }], /endpoints\[0\]\.port is Infinity/],
    ['a function', () => [], /clusters\[0\]\.endpoints is a function/],
  ])('refuses %s, which JSON would not keep, naming the field', (_what, endpoints, message) => {
    const ir = sampleIr();
    const cluster = { ...ir.clusters[0], endpoints: endpoints as never };
    expect(() => irToJson({ ...ir, clusters: [cluster] })).toThrow(message);
  });

  it('refuses a cycle instead of overflowing the stack', () => {
    const ir = sampleIr();
    const looped: Record<string, unknown> = { host: 'x', port: 1 };
    looped.self = looped;
    const cluster = { ...ir.clusters[0], destination: looped as never };
    expect(() => irToJson({ ...ir, clusters: [cluster] })).toThrow(
      /clusters\[0\]\.destination\.self refers back/,
    );
  });

  it('reads only a snapshot', () => {
    expect(() => irFromJson('[]')).toThrow(/not an IrSnapshot/);
    expect(() =>
      irFromJson('{"group":{},"listeners":[],"routeTables":{},"clusters":[],"statuses":[]}'),
    ).toThrow(/routeTables must be an array/);
  });
});
