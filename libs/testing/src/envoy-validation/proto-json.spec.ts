import { lookupMessage } from '#keyway/envoy-api';
import { readMessageJson } from './proto-json.js';
import type { EnvoyViolation } from './violation.js';

const BOOTSTRAP = lookupMessage('envoy.config.bootstrap.v3.Bootstrap');
const CLUSTER = lookupMessage('envoy.config.cluster.v3.Cluster');
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

describe('proto3 JSON reader for Envoy config', () => {
  const read = (value: unknown) =>
    readMessageJson(BOOTSTRAP, value).violations.map((p) => `${p.path}: ${p.message}`);

  it('reports unknown fields, bad durations, bad enums and unloaded Any types', () => {
    expect(
      read({
        admin: { adress: {} },
        static_resources: {
          clusters: [
            {
              name: 'c',
              connect_timeout: '5 seconds',
              type: 'STRICTDNS',
              transport_socket: { name: 't', typed_config: { '@type': 'type.googleapis.com/not.a.Type' } },
            },
          ],
        },
      }),
    ).toEqual([
      'admin.adress: unknown field of envoy.config.bootstrap.v3.Admin',
      'static_resources.clusters[0].connect_timeout: expected a duration like "5s" or "0.25s"',
      'static_resources.clusters[0].type: not a value of enum envoy.config.cluster.v3.Cluster.DiscoveryType: "STRICTDNS"',
      'static_resources.clusters[0].transport_socket.typed_config: type not.a.Type is not loaded: the Any would encode empty',
    ]);
  });

  it('reports two members of one oneof', () => {
    expect(read({ dynamic_resources: { lds_config: { ads: {}, path: '/x' } } })).toEqual([
      expect.stringMatching(
        /^dynamic_resources\.lds_config: oneof config_source_specifier has several members set/,
      ),
    ]);
  });

  it('gives the object form protobufjs encodes, and every Any type it met', () => {
    const read = readMessageJson(CLUSTER, {
      name: 'c',
      type: 'STRICT_DNS',
      connect_timeout: '0.25s',
      per_connection_buffer_limit_bytes: 32768,
      metadata: { filter_metadata: { 'envoy.lb': { canary: true } } },
      transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, sni: 'a' } },
    });
    expect(read.violations).toEqual([]);
    expect(read.object).toEqual({
      name: 'c',
      type: 1,
      connect_timeout: { seconds: 0, nanos: 250000000 },
      per_connection_buffer_limit_bytes: { value: 32768 },
      metadata: { filter_metadata: { 'envoy.lb': { fields: { canary: { boolValue: true } } } } },
      transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, sni: 'a' } },
    });
    expect(read.anyTypes).toEqual([{ path: 'transport_socket.typed_config', typeUrl: UPSTREAM_TLS }]);
  });
});

const inlineChain = (bytes: string) => ({
  common_tls_context: { tls_certificates: [{ certificate_chain: { inline_bytes: bytes } }] },
});

// One Cluster in Envoy's YAML/JSON form each family accepts and one it refuses, with the single
// violation the refusal gives.
const cases: [family: string, accepted: object, refused: object, found: Partial<EnvoyViolation>][] = [
  ['known_field', { name: 'c' }, { name: 'c', nmae: 'c' }, { path: 'nmae', rule: 'known_field' }],
  ['json.type: string', { name: 'c' }, { name: 5 }, { path: 'name', rule: 'json.type' }],
  [
    'json.type: list',
    { health_checks: [] },
    { health_checks: {} },
    { path: 'health_checks', rule: 'json.type' },
  ],
  [
    'json.type: message',
    { load_assignment: { cluster_name: 'c' } },
    { load_assignment: 'c' },
    {
      path: 'load_assignment',
      rule: 'json.type',
      message: 'expected an object for envoy.config.endpoint.v3.ClusterLoadAssignment',
    },
  ],
  [
    'json.type: map',
    { typed_extension_protocol_options: {} },
    { typed_extension_protocol_options: [] },
    { path: 'typed_extension_protocol_options', rule: 'json.type' },
  ],
  [
    'json.type: wrapper as its bare value',
    { per_connection_buffer_limit_bytes: 32768 },
    { per_connection_buffer_limit_bytes: '32768' },
    { path: 'per_connection_buffer_limit_bytes', rule: 'json.type' },
  ],
  [
    'json.type: 64-bit integer as a string',
    { ring_hash_lb_config: { minimum_ring_size: '1024' } },
    { ring_hash_lb_config: { minimum_ring_size: '1k' } },
    { path: 'ring_hash_lb_config.minimum_ring_size', rule: 'json.type' },
  ],
  [
    'json.type: bytes as base64, inside an Any',
    { transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, ...inlineChain('LS0tLQ==') } } },
    {
      transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, ...inlineChain('not base64!') } },
    },
    {
      path: 'transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain.inline_bytes',
      rule: 'json.type',
    },
  ],
  [
    'json.type: Struct from a plain object',
    { metadata: { filter_metadata: { 'envoy.lb': { canary: true } } } },
    { metadata: { filter_metadata: { 'envoy.lb': 'canary' } } },
    { path: 'metadata.filter_metadata["envoy.lb"]', rule: 'json.type' },
  ],
  ['json.enum: by name', { type: 'STRICT_DNS' }, { type: 'STRICTDNS' }, { path: 'type', rule: 'json.enum' }],
  ['json.enum: by number', { type: 1 }, { type: 99 }, { path: 'type', rule: 'json.enum' }],
  [
    'json.duration',
    { connect_timeout: '0.25s' },
    { connect_timeout: 5 },
    { path: 'connect_timeout', rule: 'json.duration' },
  ],
  [
    'json.oneof',
    { type: 'STATIC' },
    { type: 'STATIC', cluster_type: { name: 'envoy.clusters.aggregate' } },
    { path: '', rule: 'json.oneof' },
  ],
  [
    'any_type: loaded',
    { transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS } } },
    { transport_socket: { name: 't', typed_config: { '@type': 'type.googleapis.com/not.a.Type' } } },
    { path: 'transport_socket.typed_config', rule: 'any_type' },
  ],
  [
    'any_type: has "@type"',
    { transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS } } },
    { transport_socket: { name: 't', typed_config: { sni: 'a' } } },
    { path: 'transport_socket.typed_config', rule: 'any_type' },
  ],
];

describe('proto3 JSON reader: one of each', () => {
  it.each(cases)('%s: accepts', (_family, accepted) => {
    expect(readMessageJson(CLUSTER, accepted).violations).toEqual([]);
  });

  it.each(cases)('%s: refuses', (_family, _accepted, refused, found) => {
    expect(readMessageJson(CLUSTER, refused).violations).toEqual([expect.objectContaining(found)]);
  });
});
