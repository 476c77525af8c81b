import protobuf from 'protobufjs';
import { encodeMessage, lookupMessage, TypeUrl } from '#keyway/envoy-api';
import { checkEnvoyMessage, checkEnvoyObject, checkMessageBytes } from './check.js';
import type { EnvoyViolation } from './violation.js';

// Rules Envoy's loaded protos do not use yet, on a root of their own: the checker must evaluate them
// (or say it cannot) the day a proto update brings them.
const SYNTHETIC = `
syntax = "proto3";
package keyway.validation.test;
message Leaf { string name = 1; }
message Labels { map<string, string> labels = 1 [(validate.rules).map.max_pairs = 1]; }
message Pinned {
  oneof id {
    string uuid = 1 [(validate.rules).string.uuid = true];
    string name = 2;
  }
}
message Packed {
  google.protobuf.Any packed = 1 [(validate.rules).any = {not_in: ["type.googleapis.com/keyway.validation.test.Packed"]}];
}
`;

function syntheticRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.addJSON(protobuf.common.get('google/protobuf/any.proto')!.nested!);
  protobuf.parse(SYNTHETIC, root, { keepCase: true });
  root.resolveAll();
  return root;
}

const synthetic = syntheticRoot();
const checkSynthetic = (name: string, value: Record<string, unknown>): EnvoyViolation[] => {
  const type = synthetic.lookupType(`keyway.validation.test.${name}`);
  return checkMessageBytes(type, type.encode(type.fromObject(value)).finish());
};

const HTTP_PROTOCOL_OPTIONS = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const PREDICATE = 'type.googleapis.com/envoy.config.listener.v3.ListenerFilterChainMatchPredicate';
const METADATA = 'type.googleapis.com/envoy.config.core.v3.Metadata';

/** Field 999 as a varint: a field no Envoy message declares. */
const withUnknownField = (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from([0xb8, 0x3e, 0x01])]);
const lengthDelimited = (id: number, bytes: Uint8Array) =>
  protobuf.Writer.create()
    .uint32((id << 3) | 2)
    .bytes(bytes)
    .finish();

const http2 = () =>
  encodeMessage(HTTP_PROTOCOL_OPTIONS, { explicit_http_config: { http2_protocol_options: {} } });
const protocolOptions = (value: Uint8Array) =>
  checkEnvoyObject(TypeUrl.Cluster, {
    name: 'c',
    typed_extension_protocol_options: {
      [HTTP_PROTOCOL_OPTIONS.split('/')[1]]: { type_url: HTTP_PROTOCOL_OPTIONS, value },
    },
  });
const virtualHosts = (second: Uint8Array) => {
  const id = lookupMessage('envoy.config.route.v3.RouteConfiguration').fields.virtual_hosts.id;
  const host = encodeMessage('type.googleapis.com/envoy.config.route.v3.VirtualHost', {
    name: 'v',
    domains: ['*'],
  });
  const bytes = Buffer.concat([
    encodeMessage(TypeUrl.RouteConfiguration, { name: 'r' }),
    lengthDelimited(id, host),
    lengthDelimited(id, second),
  ]);
  return checkEnvoyMessage(TypeUrl.RouteConfiguration, bytes);
};
const transportSocket = (typedConfig: Record<string, unknown>) =>
  checkEnvoyObject(TypeUrl.Cluster, {
    name: 'c',
    transport_socket: { name: 't', typed_config: typedConfig },
  });

// One message each family accepts and one it refuses, with the single violation the refusal gives.
const cases: [
  family: string,
  accepted: () => EnvoyViolation[],
  refused: () => EnvoyViolation[],
  found: Partial<EnvoyViolation>,
][] = [
  [
    'deprecated',
    () => checkEnvoyObject(TypeUrl.Cluster, { name: 'c' }),
    () => checkEnvoyObject(TypeUrl.Cluster, { name: 'c', http2_protocol_options: {} }),
    { path: 'http2_protocol_options', rule: 'deprecated' },
  ],
  [
    'bool.const',
    () => checkEnvoyObject(PREDICATE, { any_match: true }),
    () => checkEnvoyObject(PREDICATE, { any_match: false }),
    { path: 'any_match', rule: 'bool.const' },
  ],
  [
    'map.keys',
    () => checkEnvoyObject(METADATA, { filter_metadata: { 'envoy.lb': { fields: {} } } }),
    () => checkEnvoyObject(METADATA, { filter_metadata: { '': { fields: {} } } }),
    { path: 'filter_metadata[]', rule: 'map.keys.string.min_len' },
  ],
  [
    'map.max_pairs',
    () => checkSynthetic('Labels', { labels: { a: '1' } }),
    () => checkSynthetic('Labels', { labels: { a: '1', b: '2' } }),
    { path: 'labels', rule: 'map.max_pairs' },
  ],
  [
    'unchecked',
    () => checkSynthetic('Pinned', { name: 'a' }),
    () => checkSynthetic('Pinned', { uuid: 'a' }),
    { path: 'uuid', rule: 'unchecked', message: 'rule string.uuid is not checked here' },
  ],
  [
    'any.not_in, resolved in the root of the checked type',
    () =>
      checkSynthetic('Packed', {
        packed: { '@type': 'type.googleapis.com/keyway.validation.test.Leaf', name: 'l' },
      }),
    () =>
      checkSynthetic('Packed', { packed: { '@type': 'type.googleapis.com/keyway.validation.test.Packed' } }),
    { path: 'packed', rule: 'any.not_in' },
  ],
  [
    'known_field inside a map value',
    () => protocolOptions(http2()),
    () => protocolOptions(withUnknownField(http2())),
    {
      path: 'typed_extension_protocol_options[envoy.extensions.upstreams.http.v3.HttpProtocolOptions].#999',
      rule: 'known_field',
    },
  ],
  [
    'known_field inside a list item',
    () =>
      virtualHosts(
        encodeMessage('type.googleapis.com/envoy.config.route.v3.VirtualHost', { name: 'w', domains: ['a'] }),
      ),
    () =>
      virtualHosts(
        withUnknownField(
          encodeMessage('type.googleapis.com/envoy.config.route.v3.VirtualHost', {
            name: 'w',
            domains: ['a'],
          }),
        ),
      ),
    { path: 'virtual_hosts[1].#999', rule: 'known_field' },
  ],
  [
    'any_type on the wire',
    () => transportSocket({ '@type': UPSTREAM_TLS }),
    () => transportSocket({ type_url: 'type.googleapis.com/not.a.Type', value: Buffer.alloc(0) }),
    { path: 'transport_socket.typed_config', rule: 'any_type' },
  ],
];

describe('message-level checks', () => {
  it.each(cases)('%s: accepts', (_family, accepted) => {
    expect(accepted()).toEqual([]);
  });

  it.each(cases)('%s: refuses', (_family, _accepted, refused, found) => {
    expect(refused()).toEqual([expect.objectContaining(found)]);
  });
});
