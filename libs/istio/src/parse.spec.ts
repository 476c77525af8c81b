import { intersectHost } from './host.js';
import { parseRoutingResource, type RoutingResource } from './parse.js';
import type { Gateway } from './gateway.js';
import type { VirtualService } from './virtual-service.js';

const gatewayManifest = (apiVersion: string, spec: unknown = undefined): Record<string, unknown> => ({
  apiVersion,
  kind: 'Gateway',
  metadata: { name: 'mygateway' },
  spec: spec ?? {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'httpbin-credential' },
        hosts: ['httpbin.example.com'],
      },
    ],
  },
});

function ok(value: unknown): RoutingResource {
  const r = parseRoutingResource(value);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function errors(value: unknown): { field: string; code: string }[] {
  const r = parseRoutingResource(value);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => ({ field: e.field, code: e.code }));
}

describe('Istio resource parsing', () => {
  it.each(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'])(
    'reads the walkthrough Gateway as %s',
    (apiVersion) => {
      const gw = ok(gatewayManifest(apiVersion)) as Gateway;
      expect(gw.id).toBe('Gateway/default/mygateway');
      expect(gw.selector).toEqual({ istio: 'ingressgateway' });
      expect(gw.servers[0]).toMatchObject({
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: [{ namespace: '*', host: 'httpbin.example.com' }],
        tls: { mode: 'SIMPLE', credentialName: 'httpbin-credential' },
      });
    },
  );

  it('refuses unknown kinds and apiVersions with the field named', () => {
    expect(errors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([
      { field: 'kind', code: 'unknown-kind' },
    ]);
    expect(errors(gatewayManifest('networking.istio.io/v2'))).toEqual([
      { field: 'apiVersion', code: 'invalid-value' },
    ]);
  });

  it('reports every Gateway problem with its field path and resource', () => {
    const r = parseRoutingResource(
      gatewayManifest('networking.istio.io/v1', {
        servers: [
          { port: { name: 'https', protocol: 'HTTPS' }, hosts: ['Bad_Host!'] },
          {
            port: { number: 8443, name: 'https', protocol: 'HTTPS' },
            tls: { mode: 'MUTUAL' },
            hosts: ['a.example.com'],
          },
          { port: { number: 80, name: 'web', protocol: 'SMTP' }, hosts: ['x/*.example.com'] },
        ],
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.every((e) => e.resource === 'Gateway/default/mygateway')).toBe(true);
    expect(r.errors.map((e) => `${e.field} ${e.code}`)).toEqual(
      expect.arrayContaining([
        'spec.servers[0].port.number required',
        'spec.servers[0].hosts[0] invalid-value',
        'spec.servers[0].tls required',
        'spec.servers[1].tls.credentialName required',
        'spec.servers[1].port.name invalid-value',
        'spec.servers[2].port.protocol invalid-value',
      ]),
    );
  });

  it('drops unknown and repeated cipher suites, keeping the order', () => {
    const gw = ok(
      gatewayManifest('networking.istio.io/v1', {
        servers: [
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            tls: {
              mode: 'SIMPLE',
              credentialName: 'c',
              cipherSuites: ['AES256-SHA', 'NOPE', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES256-SHA'],
            },
            hosts: ['a.example.com'],
          },
        ],
      }),
    ) as Gateway;
    expect(gw.servers[0].tls?.cipherSuites).toEqual(['AES256-SHA', 'ECDHE-RSA-AES128-GCM-SHA256']);
    expect(gw.servers[0].tls?.ignoredCipherSuites).toEqual(['NOPE', 'AES256-SHA']);
  });

  it('reads VirtualService routes and refuses ambiguous ones', () => {
    const vs = ok({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'httpbin', namespace: 'team-a' },
      spec: {
        hosts: ['httpbin.example.com'],
        gateways: ['istio-system/mygateway'],
        http: [
          {
            match: [{ uri: { prefix: '/status' }, headers: { 'X-Canary': { exact: 'yes' } } }],
            route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }],
            timeout: '1.5s',
            retries: { attempts: 2, perTryTimeout: '500ms' },
          },
        ],
      },
    }) as VirtualService;
    expect(vs.http[0]).toMatchObject({
      match: [{ uri: { prefix: '/status' }, headers: { 'x-canary': { exact: 'yes' } } }],
      timeoutMs: 1500,
      retries: { attempts: 2, perTryTimeoutMs: 500 },
    });
    expect(
      errors({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'bad' },
        spec: {
          hosts: ['a.example.com'],
          http: [
            {
              match: [{ uri: { prefix: '/', exact: '/' } }],
              route: [{ destination: { host: 'a' } }],
              redirect: { uri: '/b' },
              timeout: 'soon',
            },
          ],
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        { field: 'spec.http[0].match[0].uri', code: 'invalid-value' },
        { field: 'spec.http[0]', code: 'invalid-value' },
        { field: 'spec.http[0].timeout', code: 'invalid-value' },
      ]),
    );
  });

  it('requires endpoints for a STATIC ServiceEntry', () => {
    expect(
      errors({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'ext' },
        spec: { hosts: ['ext.example.com'], ports: [{ number: 443, name: 'https' }], resolution: 'STATIC' },
      }),
    ).toEqual([{ field: 'spec.endpoints', code: 'required' }]);
  });

  it('intersects hosts as Istio binds them', () => {
    expect(intersectHost('*.example.com', 'a.example.com')).toBe('a.example.com');
    expect(intersectHost('a.example.com', '*.example.com')).toBe('a.example.com');
    expect(intersectHost('*', '*.example.com')).toBe('*.example.com');
    expect(intersectHost('*.a.example.com', '*.example.com')).toBe('*.a.example.com');
    expect(intersectHost('a.example.com', 'b.example.com')).toBeUndefined();
    expect(intersectHost('*.example.com', 'example.com')).toBeUndefined();
  });
});
