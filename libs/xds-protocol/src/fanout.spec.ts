import { ResourceCache } from './cache-view.js';
import { Fanout } from './fanout.js';
import { SotwStream } from './sotw-stream.js';
import { SDS_MODE } from './stream-mode.js';
import { NODE, SDS, entry, sentNames } from './testing/spec-fixtures.js';
import type { DiscoveryResponse } from './wire.js';

const NAME = 'kubernetes://httpbin-credential';

function setup(count: number) {
  const cache = new ResourceCache();
  cache.put(SDS, NAME, entry(NAME, 'v1'));
  const fanout = new Fanout<DiscoveryResponse, SotwStream>();
  const streams = Array.from({ length: count }, (_, i) => {
    const stream = new SotwStream({ mode: SDS_MODE, view: () => cache, noncePrefix: `s${i}-` });
    stream.onRequest({ node: NODE, resource_names: [NAME] });
    fanout.add(stream);
    return stream;
  });
  const change = (version: string) => {
    cache.put(SDS, NAME, entry(NAME, version));
    return fanout.publish(new Map([[SDS, new Set([NAME])]]));
  };
  return { cache, fanout, streams, change };
}

describe('Fanout', () => {
  it('delivers a change to every interested stream', () => {
    const { change } = setup(3);
    const deliveries = change('v2');
    expect(deliveries).toHaveLength(3);
    expect(deliveries.map((d) => sentNames(d.step.responses[0].resources))).toEqual([
      [`${NAME}@v2`],
      [`${NAME}@v2`],
      [`${NAME}@v2`],
    ]);
  });

  it('skips streams that did not ask for the changed name', () => {
    const { fanout, cache } = setup(2);
    cache.put(SDS, 'kubernetes://other', entry('kubernetes://other', 'v1'));
    expect(fanout.publish(new Map([[SDS, new Set(['kubernetes://other'])]]))).toEqual([]);
  });

  it('a paused (slow) stream holds nobody up, queues no messages, and gets one coalesced answer', () => {
    const { fanout, streams, change } = setup(3);
    fanout.pause(streams[1]);
    for (const v of ['v2', 'v3', 'v4']) {
      const deliveries = change(v);
      expect(deliveries.map((d) => d.stream)).toEqual([streams[0], streams[2]]);
    }
    const resumed = fanout.resume(streams[1]);
    expect(resumed.responses).toHaveLength(1);
    expect(sentNames(resumed.responses[0].resources)).toEqual([`${NAME}@v4`]);
    expect(fanout.isPaused(streams[1])).toBe(false);
  });

  it('resuming a stream with nothing changed writes nothing', () => {
    const { fanout, streams } = setup(1);
    fanout.pause(streams[0]);
    expect(fanout.resume(streams[0])).toEqual({ responses: [], events: [] });
  });

  it('a closed or removed stream leaves nothing behind', () => {
    const { fanout, streams, change } = setup(3);
    fanout.pause(streams[0]);
    fanout.remove(streams[0]);
    streams[1].close();
    const deliveries = change('v2');
    expect(deliveries.map((d) => d.stream)).toEqual([streams[2]]);
    expect(fanout.size).toBe(1);
    expect(fanout.pausedCount).toBe(0);
    expect(fanout.has(streams[1])).toBe(false);
  });
});
