import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Gateway } from '../gateway.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';

const { TypeUrl } = R;

const inlineRouteListener = (name: string, port: number, regex: string) => ({
  name,
  address: { socket_address: { address: '0.0.0.0', port_value: port } },
  filter_chains: [
    {
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': R.ExtensionTypeUrlForTests.HttpConnectionManager,
            stat_prefix: name,
            route_config: {
              name: 'inline',
              virtual_hosts: [
                {
                  name: 'all',
                  domains: ['*'],
                  routes: [{ match: { safe_regex: { regex } }, direct_response: { status: 200 } }],
                },
              ],
            },
            http_filters: [
              {
                name: 'envoy.filters.http.router',
                typed_config: { '@type': R.ExtensionTypeUrlForTests.Router },
              },
            ],
          },
        },
      ],
    },
  ],
});

describe('applying xDS responses', () => {
  let gateway: Gateway;

  beforeEach(() => {
    gateway = testGateway().gateway;
  });
  afterEach(() => gateway.close());

  it('applies the valid listeners of a response and NACKs the invalid one with its field path', async () => {
    const result = await gateway.onUpdate(
      R.update(TypeUrl.Listener, 'v1', [
        inlineRouteListener('good', 80, '/ok'),
        inlineRouteListener('bad', 8080, '/('),
      ]),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^Listener\/bad: filter_chains\[0\]\.filters\[0\]\.typed_config\.route_config: route_config: virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex: invalid regex/,
    );
    expect([...gateway.store.listeners.keys()]).toEqual(['good']);
    expect(gateway.listeners.status().map((l) => l.name)).toEqual(['good']);
    expect(gateway.store.rejected.get(TypeUrl.Listener)?.get('bad')?.version).toBe('v1');
  });

  it('keeps the last good version of a resource it refuses', async () => {
    expect(
      await gateway.onUpdate(R.update(TypeUrl.Listener, 'v1', [inlineRouteListener('l', 80, '/v1')])),
    ).toEqual({ ok: true });
    const refused = await gateway.onUpdate(
      R.update(TypeUrl.Listener, 'v2', [inlineRouteListener('l', 80, '(?=lookahead)')]),
    );
    expect(refused.ok).toBe(false);
    expect(gateway.store.listeners.get('l')?.version).toBe('v1');
    expect(
      await gateway.onUpdate(R.update(TypeUrl.Listener, 'v3', [inlineRouteListener('l', 80, '/v3')])),
    ).toEqual({ ok: true });
    expect(gateway.store.rejected.get(TypeUrl.Listener)?.size).toBe(0);
  });

  it('NACKs a listener whose port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await gateway.onUpdate(
        R.update(TypeUrl.Listener, 'v1', [inlineRouteListener('taken', port, '/')]),
      );
      expect(result).toEqual({
        ok: false,
        message: expect.stringMatching(
          new RegExp(`^Listener/taken: address: cannot bind 127.0.0.1:${port}: .*EADDRINUSE`),
        ),
      });
      expect(gateway.store.listeners.has('taken')).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('removes listeners LDS no longer lists and closes their port', async () => {
    await gateway.onUpdate(R.update(TypeUrl.Listener, 'v1', [inlineRouteListener('gone', 80, '/')]));
    const port = gateway.listeners.boundPort('gone')!;
    expect(await gateway.onUpdate(R.update(TypeUrl.Listener, 'v2', []))).toEqual({ ok: true });
    const refused = await new Promise<string>((resolve) =>
      net
        .connect(port, '127.0.0.1')
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''))
        .on('connect', () => resolve('connected')),
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  it('refuses clusters it cannot serve and keeps the others', async () => {
    const result = await gateway.onUpdate(
      R.update(TypeUrl.Cluster, 'v1', [
        R.staticCluster('plain', [['127.0.0.1', 1]]),
        {
          ...R.staticCluster('upstream-tls', [['127.0.0.1', 2]]),
          transport_socket: { name: 'envoy.transport_sockets.tls' },
        },
      ]),
    );
    expect(result).toEqual({
      ok: false,
      message: 'Cluster/upstream-tls: transport_socket: upstream TLS is not supported by keyway gateway',
    });
    expect(gateway.upstreams.names()).toEqual(['plain']);
  });

  it('follows references: RDS and SDS names come from listeners', async () => {
    await gateway.onUpdate(
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          R.tlsChain({
            serverNames: ['a.example.com'],
            secret: 'kubernetes://a',
            mode: 'MUTUAL',
            routeName: 'https.443.a',
          }),
        ]),
      ]),
    );
    expect(gateway.listeners.references()).toEqual({
      routes: new Set(['https.443.a']),
      secrets: new Set(['kubernetes://a', 'kubernetes://a-cacert']),
    });
    expect(gateway.isReady()).toBe(false);
  });
});
