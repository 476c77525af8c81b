import protobuf from 'protobufjs';
import { encodeMessage } from '../codec.js';
import { envoyRoot } from '../proto-root.js';
import { ExtensionTypeUrl, TypeUrl } from '../type-urls.js';
import { EncodedMessage, encodeWire, WireEncoder } from './index.js';

// Every scalar kind, packed and unpacked repeated fields, maps, enums, nesting and Any.
const root = new protobuf.Root();
protobuf.parse(
  `syntax = "proto3"; package google.protobuf; message Any { string type_url = 1; bytes value = 2; }`,
  root,
  { keepCase: true },
);
protobuf.parse(
  `syntax = "proto3";
   package wiretest;
   enum Color { COLOR_UNSET = 0; RED = 1; BLUE = 2; }
   message Inner { string label = 1; repeated Inner children = 2; }
   message All {
     double d = 1; float f = 2; int32 i32 = 3; uint32 u32 = 4; sint32 s32 = 5; fixed32 fx32 = 6;
     sfixed32 sfx32 = 7; int64 i64 = 8; uint64 u64 = 9; sint64 s64 = 10; fixed64 fx64 = 11;
     sfixed64 sfx64 = 12; bool b = 13; string s = 14; bytes by = 15; Color color = 16;
     Inner inner = 17; repeated int32 packed_ints = 18; repeated string names = 19;
     repeated Inner inners = 20; map<string, Inner> by_name = 21; map<int32, string> by_number = 22;
     map<bool, int64> by_flag = 23; google.protobuf.Any any = 24; repeated Color colors = 25;
     repeated sint64 packed_s64 = 26; repeated double packed_doubles = 27;
   }`,
  root,
  { keepCase: true },
);
root.resolveAll();
const All = root.lookupType('wiretest.All');
const encoder = new WireEncoder(root);

/** protobufjs's bytes for the same message, through its checked path. */
function reference(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

const long = 'x'.repeat(300);
const deep = (n: number): Record<string, unknown> =>
  n === 0 ? { label: long } : { label: `level-${n}`, children: [deep(n - 1), deep(n - 1)] };

describe('WireEncoder: the bytes protobufjs writes', () => {
  it.each<[string, Record<string, unknown>]>([
    ['empty', {}],
    ['defaults written when set', { i32: 0, b: false, s: '', u64: 0 }],
    ['small scalars', { d: 1.5, f: 0.25, i32: 7, u32: 300, s32: -3, fx32: 9, sfx32: -9, b: true }],
    ['negative int32 (ten bytes)', { i32: -1 }],
    ['int32 extremes', { i32: -2147483648, u32: 4294967295, s32: 2147483647 }],
    ['64-bit numbers', { i64: 2 ** 40, u64: 2 ** 53 - 1, s64: -(2 ** 40), fx64: 12345, sfx64: -2 }],
    ['64-bit strings', { i64: '-9223372036854775808', u64: '18446744073709551615', s64: '-1' }],
    ['ascii string', { s: 'outbound|8000||httpbin.default.svc.cluster.local' }],
    ['127 and 128 chars', { s: 'a'.repeat(127), names: ['b'.repeat(128)] }],
    ['non-ascii strings', { s: 'héllo wörld ✓', names: ['日本', '🙂'.repeat(70)] }],
    ['long string', { s: long }],
    ['bytes', { by: Buffer.from([0, 1, 2, 255]) }],
    ['enum', { color: 2, colors: [1, 2, 0] }],
    ['nested', { inner: { label: 'a', children: [{ label: 'b' }, {}] } }],
    ['nested longer than 127, 16383 bytes', { inner: deep(6), inners: [deep(1), deep(8)] }],
    ['packed', { packed_ints: [1, -1, 300], packed_s64: [-5, 5], packed_doubles: [0.5, -0.5] }],
    ['empty lists', { packed_ints: [], names: [], inners: [] }],
    ['maps', { by_name: { z: { label: 'z' }, a: {} }, by_number: { 7: 'seven', '-2': 'neg' } }],
    [
      'any, wire form',
      { any: { type_url: 'type.googleapis.com/wiretest.Inner', value: Buffer.from([10, 1, 65]) } },
    ],
    ['fields given out of number order', { s: 'late', d: 2, inner: { label: 'x' }, i32: 1 }],
  ])('%s', (_name, value) => {
    expect(encoder.encode(All, value).equals(reference(All, value))).toBe(true);
  });

  it('encodes `{ "@type": url, ...fields }` as the Any holding those fields', () => {
    const inner = { label: 'packed', children: [{ label: 'c' }] };
    const typed = encoder.encode(All, { any: { '@type': 'type.googleapis.com/wiretest.Inner', ...inner } });
    const wire = reference(All, {
      any: {
        type_url: 'type.googleapis.com/wiretest.Inner',
        value: reference(root.lookupType('wiretest.Inner'), inner),
      },
    });
    expect(typed.equals(wire)).toBe(true);
  });

  it('writes bool map keys as booleans (protobufjs writes the key "false" as true)', () => {
    const bytes = encoder.encode(All, { by_flag: { true: 1, false: 2 ** 33 } });
    expect(All.toObject(All.decode(bytes), { longs: Number })).toEqual({
      by_flag: { true: 1, false: 2 ** 33 },
    });
  });

  it('copies an EncodedMessage where a message of its type goes, as if encoded in place', () => {
    const Inner = root.lookupType('wiretest.Inner');
    const child = { label: 'c'.repeat(200), children: [{ label: 'd' }] };
    const pre = new EncodedMessage('wiretest.Inner', encoder.encode(Inner, child));
    expect(encoder.encode(All, { inner: pre, inners: [pre, {}] })).toEqual(
      encoder.encode(All, { inner: child, inners: [child, {}] }),
    );
    expect(() => encoder.encode(All, { inner: new EncodedMessage('wiretest.All', Buffer.alloc(0)) })).toThrow(
      'wiretest.All.inner: expected wiretest.Inner, got an encoded wiretest.All',
    );
  });

  it('takes enum names as well as numbers', () => {
    expect(encoder.encode(All, { color: 'BLUE', colors: ['RED'] })).toEqual(
      encoder.encode(All, { color: 2, colors: [1] }),
    );
  });
});

describe('WireEncoder: refusals name the type and the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'unknown field',
      { inner: { label: 'a', lable: 'b' } },
      'wiretest.All.inner.lable: wiretest.Inner has no field lable',
    ],
    [
      'unknown field in a list item',
      { inners: [{}, { x: 1 }] },
      'wiretest.All.inners.1.x: wiretest.Inner has no field x',
    ],
    ['wrong scalar type', { s: 5 }, 'wiretest.All.s: expected a string, got 5'],
    ['not a list', { names: 'a' }, 'wiretest.All.names: expected a list'],
    ['not a message', { inner: 'a' }, 'wiretest.All.inner: expected a message'],
    ['unknown enum name', { color: 'GREEN' }, 'wiretest.All.color: GREEN is not a value of this enum'],
    [
      '@type outside an Any',
      { inner: { '@type': 'x' } },
      "wiretest.All.inner.@type: '@type' outside a google.protobuf.Any",
    ],
    [
      'unloaded @type',
      { any: { '@type': 'type.googleapis.com/no.Such' } },
      "wiretest.All.any: '@type' type.googleapis.com/no.Such is not a loaded message type",
    ],
    ['fractional integer', { i64: 1.5 }, 'wiretest.All.i64: expected an integer, got 1.5'],
  ])('%s', (_name, value, message) => {
    expect(() => encoder.encode(All, value)).toThrow(message);
  });

  it('is usable again after a refusal', () => {
    expect(() => encoder.encode(All, { s: 1 })).toThrow();
    expect(encoder.encode(All, { s: 'ok' }).equals(reference(All, { s: 'ok' }))).toBe(true);
  });
});

describe('encodeWire on Envoy types', () => {
  it('matches encodeMessage for a listener with typed Any configs', () => {
    const listener = {
      name: '0.0.0.0_443',
      address: { socket_address: { address: '0.0.0.0', port_value: 443 } },
      filter_chains: [
        {
          filter_chain_match: { server_names: ['httpbin.example.com'] },
          filters: [
            {
              name: 'envoy.filters.network.http_connection_manager',
              typed_config: {
                '@type': ExtensionTypeUrl.HttpConnectionManager,
                stat_prefix: 'outbound_0.0.0.0_443',
                rds: { config_source: { ads: {}, resource_api_version: 2 }, route_config_name: 'r' },
                http_filters: [
                  { name: 'envoy.filters.http.router', typed_config: { '@type': ExtensionTypeUrl.Router } },
                ],
                use_remote_address: { value: true },
              },
            },
          ],
        },
      ],
      traffic_direction: 2,
    };
    expect(encodeWire(TypeUrl.Listener, listener).equals(encodeMessage(TypeUrl.Listener, listener))).toBe(
      true,
    );
  });

  it('refuses a misspelt Envoy field, which protobufjs would drop', () => {
    expect(() => encodeWire(TypeUrl.Cluster, { name: 'c', conect_timeout: { seconds: 1 } })).toThrow(
      'envoy.config.cluster.v3.Cluster.conect_timeout: envoy.config.cluster.v3.Cluster has no field conect_timeout',
    );
    expect(envoyRoot().lookupType('envoy.config.cluster.v3.Cluster').fields.conect_timeout).toBeUndefined();
  });
});
