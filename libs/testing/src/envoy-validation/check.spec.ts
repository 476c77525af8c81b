import { encodeMessage, ExtensionTypeUrl, lookupMessage, TypeUrl } from '#keyway/envoy-api';
import { checkEnvoyJson, checkEnvoyMessage, checkEnvoyObject } from './check.js';
import { readMessageJson } from './proto-json.js';
import { fieldRules } from './rules.js';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const rules = (rule: string) => expect.objectContaining({ rule });

describe('envoy validation checker', () => {
  it('reads (validate.rules) from the loaded protos', () => {
    const domains = lookupMessage('envoy.config.route.v3.VirtualHost').fields.domains;
    expect(fieldRules(domains)).toMatchObject({ repeated: { min_items: 1 } });
  });

  it('accepts a minimal valid RouteConfiguration', () => {
    const value = {
      name: 'http.80',
      virtual_hosts: [
        { name: 'a:80', domains: ['a'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c' } }] },
      ],
    };
    expect(checkEnvoyObject(TypeUrl.RouteConfiguration, value)).toEqual([]);
  });

  it('reports string min_len, repeated min_items and a required oneof', () => {
    const value = {
      name: 'x',
      virtual_hosts: [{ name: '', domains: [], routes: [{ match: { prefix: '/' } }] }],
    };
    const found = checkEnvoyObject(TypeUrl.RouteConfiguration, value);
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'virtual_hosts[0].name', rule: 'string.min_len', message: 'length must be at least 1' },
        expect.objectContaining({ path: 'virtual_hosts[0].domains', rule: 'repeated.min_items' }),
        expect.objectContaining({ path: 'virtual_hosts[0].routes[0].action', rule: 'oneof.required' }),
      ]),
    );
  });

  it('reports a uint32 range, an undefined enum value and a required message', () => {
    const listener = {
      name: 'l',
      address: { socket_address: { address: '0.0.0.0', port_value: 70000 } },
    };
    expect(checkEnvoyObject(TypeUrl.Listener, listener)).toEqual([
      expect.objectContaining({
        path: 'address.socket_address.port_value',
        message: 'must be at most 65535',
      }),
    ]);
    // encodeMessage refuses an undefined enum value; encode it raw to prove the checker catches it.
    const type = lookupMessage('envoy.config.route.v3.RouteConfiguration');
    const routes = { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], require_tls: 9 }] };
    expect(
      checkEnvoyMessage(TypeUrl.RouteConfiguration, type.encode(type.fromObject(routes)).finish()),
    ).toEqual([expect.objectContaining({ path: 'virtual_hosts[0].require_tls', rule: 'enum.defined_only' })]);
    const load = checkEnvoyObject(TypeUrl.ClusterLoadAssignment, { endpoints: [] });
    expect(load).toEqual([expect.objectContaining({ path: 'cluster_name', rule: 'string.min_len' })]);
    const tls = checkEnvoyObject(TypeUrl.Cluster, { name: 'c', eds_cluster_config: { eds_config: {} } });
    expect(tls).toEqual(expect.arrayContaining([rules('oneof.required')]));
  });

  it('checks inside Any and a duration gt rule', () => {
    const listener = {
      name: 'l',
      filter_chains: [
        {
          filters: [
            {
              name: 'hcm',
              typed_config: { '@type': ExtensionTypeUrl.HttpConnectionManager, stat_prefix: '' },
            },
          ],
        },
      ],
    };
    expect(checkEnvoyObject(TypeUrl.Listener, listener)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'filter_chains[0].filters[0].typed_config.stat_prefix' }),
      ]),
    );
    const cluster = { name: 'c', connect_timeout: { seconds: 0 } };
    expect(checkEnvoyObject(TypeUrl.Cluster, cluster)).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'connect_timeout', rule: 'duration.gt' })]),
    );
  });

  it('reports unknown fields, even inside Any', () => {
    const known = encodeMessage(TypeUrl.Cluster, { name: 'c' });
    // field 999, varint 1: a field Envoy's Cluster does not declare
    const extra = Buffer.concat([known, Buffer.from([0xb8, 0x3e, 0x01])]);
    expect(checkEnvoyMessage(TypeUrl.Cluster, extra)).toEqual([
      expect.objectContaining({ path: '#999', rule: 'known_field' }),
    ]);
  });

  it("checks Envoy's YAML/JSON form: violated rules and deprecated fields", () => {
    const cluster = 'static_resources.clusters[0]';
    const socket = `${cluster}.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address`;
    const json = {
      static_resources: {
        clusters: [
          {
            name: '',
            http2_protocol_options: {},
            load_assignment: {
              cluster_name: 'c',
              endpoints: [
                {
                  lb_endpoints: [
                    { endpoint: { address: { socket_address: { address: 'x', port_value: 70000 } } } },
                  ],
                },
              ],
            },
          },
        ],
      },
    };
    // The JSON reads cleanly: every violation below is a rule's.
    expect(readMessageJson(lookupMessage(BOOTSTRAP), json).violations).toEqual([]);
    const found = checkEnvoyJson(`type.googleapis.com/${BOOTSTRAP}`, json);
    expect(found.map((v) => `${v.path}: ${v.rule}: ${v.message}`)).toEqual(
      expect.arrayContaining([
        `${cluster}.name: string.min_len: length must be at least 1`,
        `${cluster}.http2_protocol_options: deprecated: deprecated field`,
        `${socket}.port_value: uint32.lte: must be at most 65535`,
      ]),
    );
  });
});
