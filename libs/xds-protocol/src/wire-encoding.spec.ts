import { lookupMessage, TO_OBJECT } from '#keyway/envoy-api';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from './wire-encoding.js';
import { CDS, SDS } from './spec-fixtures.js';

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
