import * as R from '../testing/envoy-resources.js';
import { parseListener } from './listener-plan.js';
import { parsePortMap, bindPort } from './port-map.js';

const { TypeUrl, TlsVersion } = R;
const decodedListener = (l: Record<string, unknown>) =>
  R.update(TypeUrl.Listener, 'v', [l]).resources[0].message;

describe('parseListener', () => {
  it('reads SIMPLE, MUTUAL and OPTIONAL_MUTUAL chains as istiod writes them', () => {
    const parsed = parseListener(
      decodedListener(
        R.listener('0.0.0.0_8443', 443, [
          R.tlsChain({
            serverNames: ['a.example.com'],
            secret: 'kubernetes://a',
            mode: 'SIMPLE',
            routeName: 'https.443.a',
          }),
          R.tlsChain({
            serverNames: ['b.example.com'],
            secret: 'kubernetes://b',
            mode: 'MUTUAL',
            routeName: 'https.443.b',
            subjectAltNames: [{ exact: 'spiffe://x' }],
          }),
          R.tlsChain({
            serverNames: ['c.example.com'],
            secret: 'kubernetes://c',
            mode: 'OPTIONAL_MUTUAL',
            routeName: 'https.443.c',
            tlsParams: { tls_minimum_protocol_version: TlsVersion.TLSv1_3 },
          }),
          R.passthroughChain(['d.example.com'], 'outbound|443||d'),
        ]),
      ),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [a, b, c, d] = parsed.value.chains;
    expect(parsed.value).toMatchObject({ name: '0.0.0.0_8443', address: '0.0.0.0', port: 443 });
    expect(a.tls).toMatchObject({
      certificateSecrets: ['kubernetes://a'],
      clientCertificates: 'none',
      alpn: ['h2', 'http/1.1'],
      limits: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
    });
    expect(a.app).toEqual({ kind: 'http', routeConfigName: 'https.443.a', stripAnyHostPort: false });
    expect(b.tls).toMatchObject({
      validationSecret: 'kubernetes://b-cacert',
      clientCertificates: 'required',
      sanMatchers: [{ matcher: { exact: 'spiffe://x' } }],
    });
    expect(c.tls).toMatchObject({ clientCertificates: 'optional', limits: { minVersion: 'TLSv1.3' } });
    expect(d).toMatchObject({
      criteria: { serverNames: ['d.example.com'] },
      app: { kind: 'tcp', clusters: [{ name: 'outbound|443||d', weight: 1 }] },
    });
    expect(d.tls).toBeUndefined();
  });

  it('returns every problem with its field path', () => {
    const bad = decodedListener({
      name: 'bad',
      address: { socket_address: { address: '0.0.0.0', port_value: 443 } },
      filter_chains: [
        { filter_chain_match: { server_names: ['a.*.com'] }, filters: [] },
        {
          filter_chain_match: { server_names: ['x.com'], source_ports: [1] },
          filters: [
            {
              name: 'hcm',
              typed_config: {
                '@type': R.ExtensionTypeUrlForTests.HttpConnectionManager,
                stat_prefix: 's',
                http_filters: [],
              },
            },
          ],
        },
        {
          filter_chain_match: { server_names: ['x.com'], source_ports: [1] },
          filters: [
            { name: 'tcp', typed_config: { '@type': R.ExtensionTypeUrlForTests.TcpProxy, stat_prefix: 's' } },
          ],
        },
      ],
    });
    const parsed = parseListener(bad);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.field)).toEqual([
      'filter_chains[0].filter_chain_match.server_names[0]',
      'filter_chains[0].filters',
      'filter_chains[1].filter_chain_match.source_ports',
      'filter_chains[1].filters[0].typed_config.http_filters',
      'filter_chains[1].filters[0].typed_config',
      'filter_chains[2].filter_chain_match.source_ports',
      'filter_chains[2].filters[0].typed_config',
      'filter_chains[2].filter_chain_match',
    ]);
  });

  it('refuses MUTUAL without a trusted CA', () => {
    const chain = R.tlsChain({
      serverNames: ['a.example.com'],
      secret: 'kubernetes://a',
      mode: 'SIMPLE',
      routeName: 'r',
    }) as any;
    chain.transport_socket.typed_config.require_client_certificate = { value: true };
    const parsed = parseListener(decodedListener(R.listener('l', 443, [chain])));
    expect(!parsed.ok && parsed.problems).toEqual([
      {
        field: 'filter_chains[0].transport_socket.typed_config.require_client_certificate',
        message: 'requires a validation context with trusted_ca',
      },
    ]);
  });
});

describe('port map', () => {
  it('maps listener ports to bound ports', () => {
    const map = parsePortMap('443:8443, 80:8080');
    expect(bindPort(map, 443)).toBe(8443);
    expect(bindPort(map, 15021)).toBe(15021);
    expect(() => parsePortMap('443-8443')).toThrow(/not <listener port>:<bind port>/);
  });
});
