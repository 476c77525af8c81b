import { lookupMessage } from '#keyway/envoy-api';
import { DeltaStream } from './delta-stream.js';
import { MAX_MESSAGE_BYTES, varintSize } from './message-size.js';
import { SotwStream } from './sotw-stream.js';
import { ResourceCache } from './cache-view.js';
import { ADS_MODE } from './stream-mode.js';
import { CDS, NODE, SDS, entry } from './testing/spec-fixtures.js';

const MiB = 1024 * 1024;

function encodedSize(messageName: string, value: object): number {
  const type = lookupMessage(messageName);
  return type.encode(type.fromObject(value)).finish().length;
}

describe('message size', () => {
  it.each([
    [0, 1],
    [127, 1],
    [128, 2],
    [16_383, 2],
    [16_384, 3],
    [MAX_MESSAGE_BYTES, 4],
  ])('varint of %i takes %i bytes', (value, size) => {
    expect(varintSize(value)).toBe(size);
  });

  it("computes a SotW response's size exactly as protobuf encodes it", () => {
    const cache = new ResourceCache();
    for (const [name, size] of [
      ['kubernetes://a', 10],
      ['kubernetes://b', 300],
      ['kubernetes://c', 70_000],
    ] as const) {
      cache.put(SDS, name, entry(name, 'v1', size));
    }
    const stream = new SotwStream({ mode: ADS_MODE, view: () => cache });
    const step = stream.onRequest({
      node: NODE,
      type_url: SDS,
      resource_names: ['kubernetes://a', 'kubernetes://b', 'kubernetes://c'],
    });
    const push = step.events.find((e) => e.kind === 'push');
    expect(push && 'bytes' in push ? push.bytes : -1).toBe(
      encodedSize('envoy.service.discovery.v3.DiscoveryResponse', step.responses[0]),
    );
  });

  it("computes a Delta response's size exactly as protobuf encodes it", () => {
    const cache = new ResourceCache();
    cache.put(CDS, 'outbound|443||httpbin.default.svc.cluster.local', entry('x', 'v1', 200_000));
    cache.put(CDS, 'short', entry('y', 'v2', 5));
    // A reconnect declaring a resource that is gone: the response both removes and updates.
    const next = new DeltaStream({ mode: ADS_MODE, view: () => cache }).onRequest({
      node: NODE,
      type_url: CDS,
      initial_resource_versions: { gone: 'v0' },
    });
    expect(next.responses[0].removed_resources).toEqual(['gone']);
    expect(next.responses[0].resources).toHaveLength(2);
    const push = next.events.find((e) => e.kind === 'push');
    const actual = encodedSize('envoy.service.discovery.v3.DeltaDiscoveryResponse', next.responses[0]);
    // The stream budgets 64 bytes for version and nonce; the real figure is within that.
    expect(push && 'bytes' in push ? push.bytes - actual : -1).toBeGreaterThanOrEqual(0);
    expect(push && 'bytes' in push ? push.bytes - actual : -1).toBeLessThanOrEqual(64);
  });

  it('splits a Delta change of 6 MiB into messages that encode within 4 MiB', () => {
    const cache = new ResourceCache();
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) cache.put(CDS, name, entry(name, 'v1', MiB));
    const step = new DeltaStream({ mode: ADS_MODE, view: () => cache }).onRequest({
      node: NODE,
      type_url: CDS,
    });
    expect(step.responses.length).toBeGreaterThan(1);
    for (const r of step.responses) {
      expect(encodedSize('envoy.service.discovery.v3.DeltaDiscoveryResponse', r)).toBeLessThanOrEqual(
        MAX_MESSAGE_BYTES,
      );
    }
    expect(step.responses.flatMap((r) => r.resources.map((x) => x.name))).toEqual([
      'c1',
      'c2',
      'c3',
      'c4',
      'c5',
      'c6',
    ]);
  });

  it('refuses a SotW set of 5 MiB and sends one of 3 MiB', () => {
    const cache = new ResourceCache();
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) cache.put(CDS, name, entry(name, 'v1', MiB));
    const stream = new SotwStream({ mode: ADS_MODE, view: () => cache });
    const refused = stream.onRequest({ node: NODE, type_url: CDS, resource_names: [] });
    expect(refused.responses).toEqual([]);
    expect(refused.events[0]).toMatchObject({ kind: 'oversize', limit: MAX_MESSAGE_BYTES });
    cache.delete(CDS, 'c4');
    cache.delete(CDS, 'c5');
    const sent = stream.onResourcesChanged(CDS, ['c4', 'c5']);
    expect(sent.responses).toHaveLength(1);
    expect(
      encodedSize('envoy.service.discovery.v3.DiscoveryResponse', sent.responses[0]),
    ).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });
});
