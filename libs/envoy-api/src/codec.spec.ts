import { decodeMessage, encodeMessage, EnvoyEncodeError } from './codec.js';
import { ExtensionTypeUrl, TypeUrl } from './type-urls.js';

describe('envoy codec', () => {
  it('round-trips a Secret with a tls_certificate', () => {
    const bytes = encodeMessage(TypeUrl.Secret, {
      name: 'kubernetes://httpbin-credential',
      tls_certificate: { certificate_chain: { inline_string: 'CERT' } },
    });
    expect(decodeMessage(TypeUrl.Secret, bytes)).toEqual({
      name: 'kubernetes://httpbin-credential',
      tls_certificate: { certificate_chain: { inline_string: 'CERT' } },
    });
  });

  it('encodes concrete types inside Any instead of an empty Any', () => {
    const bytes = encodeMessage(TypeUrl.Listener, {
      name: '0.0.0.0_443',
      filter_chains: [
        {
          filters: [
            {
              name: 'envoy.filters.network.http_connection_manager',
              typed_config: {
                '@type': ExtensionTypeUrl.HttpConnectionManager,
                stat_prefix: 'outbound_0.0.0.0_443',
              },
            },
          ],
        },
      ],
    });
    const decoded = decodeMessage(TypeUrl.Listener, bytes) as any;
    expect(decoded.filter_chains[0].filters[0].typed_config).toEqual({
      '@type': ExtensionTypeUrl.HttpConnectionManager,
      stat_prefix: 'outbound_0.0.0.0_443',
    });
  });

  it('rejects a field of the wrong type with the message name', () => {
    expect(() => encodeMessage(TypeUrl.Cluster, { name: 42 })).toThrow(EnvoyEncodeError);
    expect(() => encodeMessage(TypeUrl.Cluster, { name: 42 })).toThrow(
      /envoy.config.cluster.v3.Cluster: name: string expected/,
    );
  });
});
