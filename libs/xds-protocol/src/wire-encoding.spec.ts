import { encodeMessage, encodeWire, lookupMessage, TO_OBJECT } from '#keyway/envoy-api';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from './wire-encoding.js';
import { CDS, SDS } from './testing/spec-fixtures.js';

const SotwType = () => lookupMessage('envoy.service.discovery.v3.DiscoveryResponse');
const DeltaType = () => lookupMessage('envoy.service.discovery.v3.DeltaDiscoveryResponse');

// An Any of a type protobufjs does not know stays bytes when decoded (a real type URL would be decoded).
const OPAQUE = 'type.googleapis.com/keyway.test.Opaque';
const WITH_DEFAULTS = { ...TO_OBJECT, defaults: true };

describe('wire encoding', () => {
  const big = Buffer.alloc(300_000, 7);

  it.each([
    {
      label: 'two resources, one large',
      r: {
        version_info: 'abc',
        resources: [
          { type_url: SDS, value: Buffer.from('secret') },
          { type_url: SDS, value: big },
        ],
        type_url: SDS,
        nonce: 'zz',
      },
    },
    { label: 'a non-ASCII nonce', r: { version_info: 'v', resources: [], type_url: CDS, nonce: 'n-é' } },
  ])('encodes a SotW response byte for byte as protobufjs does: $label', ({ r }) => {
    const type = SotwType();
    expect(encodeDiscoveryResponse(r).equals(Buffer.from(type.encode(type.fromObject(r)).finish()))).toBe(
      true,
    );
  });

  it('reuses encoded version and type fields across responses without mixing fields or nonces', () => {
    const type = SotwType();
    const responses = [
      { version_info: 'v1', resources: [], type_url: SDS, nonce: '1' },
      { version_info: 'v1', resources: [], type_url: SDS, nonce: '2' },
      // The same string in another field must be encoded under that field's number.
      { version_info: SDS, resources: [], type_url: 'v1', nonce: '3' },
      {
        version_info: 'v2',
        resources: [{ type_url: SDS, value: Buffer.from('x') }],
        type_url: SDS,
        nonce: '4',
      },
    ];
    for (const r of responses) {
      expect(encodeDiscoveryResponse(r).equals(Buffer.from(type.encode(type.fromObject(r)).finish()))).toBe(
        true,
      );
    }
  });

  it('omits empty strings, as proto3 allows, and still decodes to the same message', () => {
    const type = SotwType();
    const r = { version_info: '', resources: [], type_url: SDS, nonce: '1' };
    expect(type.toObject(type.decode(encodeDiscoveryResponse(r)), WITH_DEFAULTS)).toEqual(
      type.toObject(type.decode(type.encode(type.fromObject(r)).finish()), WITH_DEFAULTS),
    );
  });

  it('reuses the encoded resource for every response that carries it', () => {
    const value = Buffer.from('shared');
    const a = encodeDiscoveryResponse({
      version_info: 'v',
      resources: [{ type_url: SDS, value }],
      type_url: SDS,
      nonce: '1',
    });
    const b = encodeDiscoveryResponse({
      version_info: 'v',
      resources: [{ type_url: SDS, value }],
      type_url: SDS,
      nonce: '2',
    });
    expect(a.subarray(0, a.length - 1).equals(b.subarray(0, b.length - 1))).toBe(true);
  });

  it.each([
    {
      label: 'updates and removals',
      r: {
        system_version_info: 'sv',
        resources: [
          { name: 'a', version: 'v1', resource: { type_url: OPAQUE, value: Buffer.from('A') } },
          { name: 'big', version: 'v2', resource: { type_url: OPAQUE, value: big } },
        ],
        type_url: CDS,
        removed_resources: ['gone', 'also-gone'],
        nonce: '7',
      },
    },
    {
      label: 'empty',
      r: { system_version_info: '', resources: [], type_url: CDS, removed_resources: [], nonce: '8' },
    },
  ])('encodes a Delta response that protobufjs decodes to the same message: $label', ({ r }) => {
    const type = DeltaType();
    const ours = type.toObject(type.decode(encodeDeltaDiscoveryResponse(r)), WITH_DEFAULTS);
    const theirs = type.toObject(type.decode(type.encode(type.fromObject(r)).finish()), WITH_DEFAULTS);
    expect(ours).toEqual(theirs);
    expect(ours.removed_resources).toEqual(r.removed_resources);
  });
});

describe('wire encoding: the bytes pinned, through both users of the one writer', () => {
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  const DISCOVERY_RESPONSE = 'type.googleapis.com/envoy.service.discovery.v3.DiscoveryResponse';
  const cluster = {
    name: 'outbound|443||httpbin.default.svc.cluster.local',
    type: 3, // EDS
    connect_timeout: { seconds: 10 },
    eds_cluster_config: { service_name: 'httpbin', eds_config: { ads: {}, resource_api_version: 2 } },
    circuit_breakers: { thresholds: [{ max_connections: { value: 4294967295 } }] },
  };
  // Written by the Envoy encoder before its writer and the xDS writer were merged.
  const CLUSTER =
    '0a2f' +
    hex(cluster.name) +
    '1003' + // type
    '1a0f0a041a00300212076874747062696e' + // eds_cluster_config
    '2202080a' + // connect_timeout
    '520a0a08120608ffffffff0f'; // circuit_breakers: a uint32 wrapper of 2^32-1

  it('encodes an Envoy Cluster as before, and as protobufjs does', () => {
    const bytes = encodeWire(CDS, cluster);
    expect(bytes.toString('hex')).toBe(CLUSTER);
    expect(bytes.equals(encodeMessage(CDS, cluster))).toBe(true);
  });

  it('writes a DiscoveryResponse the same through encodeDiscoveryResponse and the Envoy encoder', () => {
    const response = { version_info: '2024-06-01T00:00:00Z/7', type_url: CDS, nonce: 'n-é1' };
    const xds = encodeDiscoveryResponse({
      ...response,
      resources: [{ type_url: CDS, value: encodeWire(CDS, cluster) }],
    });
    // The Any is longer than 127 bytes: the Envoy encoder widens its length slot afterwards.
    const envoy = encodeWire(DISCOVERY_RESPONSE, { ...response, resources: [{ '@type': CDS, ...cluster }] });
    const expected =
      '0a16' +
      hex(response.version_info) +
      '128b01' + // resources: an Any of 139 bytes
      `0a33${hex(CDS)}` +
      `1254${CLUSTER}` +
      `2233${hex(CDS)}` +
      `2a05${hex(response.nonce)}`;
    expect(xds.toString('hex')).toBe(expected);
    expect(envoy.toString('hex')).toBe(expected);
  });

  it('writes a Delta response as before: empty fields left out, removed names after the nonce', () => {
    const bytes = encodeDeltaDiscoveryResponse({
      system_version_info: 'sv',
      resources: [
        { name: 'a', version: 'v1', resource: { type_url: OPAQUE, value: Buffer.from('A') } },
        { name: '', version: '', resource: { type_url: '', value: Buffer.alloc(0) } },
        { name: 'ß', version: 'v2', resource: { type_url: OPAQUE, value: Buffer.alloc(130, 1) } },
      ],
      type_url: CDS,
      removed_resources: ['gone', ''],
      nonce: '7',
    });
    const expected =
      '0a027376' +
      `1234 0a027631 122b0a26${hex(OPAQUE)}120141 1a0161` +
      '1202 1200' + // an empty Resource still carries its (empty) Any
      `12b801 0a027632 12ad010a26${hex(OPAQUE)}128201${'01'.repeat(130)} 1a02${hex('ß')}` +
      `2233${hex(CDS)}` +
      '2a0137' +
      `3204${hex('gone')} 3200`;
    expect(bytes.toString('hex')).toBe(expected.replaceAll(' ', ''));
  });
});
