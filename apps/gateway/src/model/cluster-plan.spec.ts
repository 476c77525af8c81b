import { parseCluster } from './cluster-plan.js';

const OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const typed = (config: Record<string, unknown>) => ({
  typed_extension_protocol_options: {
    [OPTIONS]: { '@type': `type.googleapis.com/${OPTIONS}`, ...config },
  },
});
const cluster = (extra: Record<string, unknown>) => ({ name: 'c', type: 'EDS', ...extra });

describe('parseCluster upstream protocol', () => {
  it.each([
    ['no protocol options', {}, 'http1'],
    ['explicit HTTP/2', typed({ explicit_http_config: { http2_protocol_options: {} } }), 'http2'],
    ['explicit HTTP/1.1', typed({ explicit_http_config: { http_protocol_options: {} } }), 'http1'],
    [
      'the downstream protocol, HTTP/2 among them',
      typed({ use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } }),
      'downstream',
    ],
    [
      'the downstream protocol, HTTP/1.1 only',
      typed({ use_downstream_protocol_config: { http_protocol_options: {} } }),
      'http1',
    ],
    [
      'auto_config without upstream TLS (no ALPN)',
      typed({ auto_config: { http2_protocol_options: {} } }),
      'http1',
    ],
    [
      'common options only (istiod idle timeouts)',
      typed({ common_http_protocol_options: { idle_timeout: { seconds: 60 } } }),
      'http1',
    ],
    ['the legacy http2_protocol_options field', { http2_protocol_options: {} }, 'http2'],
    [
      'the legacy fields with USE_DOWNSTREAM_PROTOCOL',
      { http2_protocol_options: {}, protocol_selection: 'USE_DOWNSTREAM_PROTOCOL' },
      'downstream',
    ],
    [
      'typed options over the legacy field',
      { http2_protocol_options: {}, ...typed({ explicit_http_config: { http_protocol_options: {} } }) },
      'http1',
    ],
  ])('%s', (_, extra, protocol) => {
    expect(parseCluster(cluster(extra))).toMatchObject({ ok: true, value: { protocol } });
  });

  it('refuses HTTP/3 upstreams with the field path', () => {
    expect(parseCluster(cluster(typed({ explicit_http_config: { http3_protocol_options: {} } })))).toEqual({
      ok: false,
      problems: [
        {
          field: `typed_extension_protocol_options["${OPTIONS}"].explicit_http_config`,
          message: 'HTTP/3 upstreams are not supported',
        },
      ],
    });
  });
});
