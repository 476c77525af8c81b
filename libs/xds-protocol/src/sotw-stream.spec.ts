import { SotwStream } from './sotw-stream.js';
import { ResourceCache } from './cache-view.js';
import { ADS_MODE, SDS_MODE } from './stream-mode.js';
import { contentVersion } from './version.js';
import {
  CDS,
  EDS,
  LDS,
  NODE,
  RDS,
  SDS,
  cacheWith,
  entry,
  kinds,
  sentNames,
  sotwRequest,
} from './testing/spec-fixtures.js';
import type { DiscoveryResponse } from './wire.js';

function adsOn(
  cache: ResourceCache,
  extra: Partial<ConstructorParameters<typeof SotwStream>[0]> = {},
): SotwStream {
  return new SotwStream({ mode: ADS_MODE, view: () => cache, ...extra });
}

/** Sends the first request of a type (with the node) and returns the single response. */
function open(stream: SotwStream, typeUrl: string, names: string[]): DiscoveryResponse {
  const step = stream.onRequest(sotwRequest(typeUrl, names, { node: NODE }));
  expect(step.responses).toHaveLength(1);
  return step.responses[0];
}

function ack(stream: SotwStream, response: DiscoveryResponse, names: string[]) {
  return stream.onRequest(
    sotwRequest(response.type_url, names, {
      version_info: response.version_info,
      response_nonce: response.nonce,
    }),
  );
}

describe('SotwStream', () => {
  describe('versions and nonces', () => {
    it('keeps a version and a nonce per type, derived from content', () => {
      const cache = cacheWith([
        [CDS, 'outbound|80||httpbin', 'c1'],
        [LDS, '0.0.0.0_443', 'l1'],
      ]);
      const stream = adsOn(cache);
      const cds = open(stream, CDS, []);
      const lds = stream.onRequest(sotwRequest(LDS, [])).responses[0];
      expect(cds.version_info).toBe(contentVersion([['outbound|80||httpbin', 'c1']]));
      expect(lds.version_info).toBe(contentVersion([['0.0.0.0_443', 'l1']]));
      expect(cds.nonce).not.toBe(lds.nonce);
      // A CDS nonce is not an answer for LDS: it is stale there.
      const cross = stream.onRequest(
        sotwRequest(LDS, [], { version_info: cds.version_info, response_nonce: cds.nonce }),
      );
      expect(kinds(cross)).toEqual(['stale-nonce']);
      expect(stream.status().find((s) => s.typeUrl === LDS)?.ackedVersion).toBeUndefined();
    });

    it('gives a restarted replica the same versions for the same content, never a counter', () => {
      const cache = cacheWith([[SDS, 'kubernetes://httpbin-credential', 'h1']]);
      const first = new SotwStream({ mode: SDS_MODE, view: () => cache });
      const second = new SotwStream({ mode: SDS_MODE, view: () => cache });
      const a = open(first, SDS, ['kubernetes://httpbin-credential']);
      // Churn on the first stream does not move the second's version.
      cache.put(SDS, 'kubernetes://httpbin-credential', entry('kubernetes://httpbin-credential', 'h2'));
      first.onResourcesChanged(SDS, ['kubernetes://httpbin-credential']);
      cache.put(SDS, 'kubernetes://httpbin-credential', entry('kubernetes://httpbin-credential', 'h1'));
      first.onResourcesChanged(SDS, ['kubernetes://httpbin-credential']);
      const b = open(second, SDS, ['kubernetes://httpbin-credential']);
      expect(b.version_info).toBe(a.version_info);
    });

    it('never repeats a nonce on a stream', () => {
      const cache = cacheWith([[SDS, 's', 'v0']]);
      const stream = adsOn(cache);
      const nonces = new Set([open(stream, SDS, ['s']).nonce]);
      for (let i = 1; i <= 50; i++) {
        cache.put(SDS, 's', entry('s', `v${i}`));
        const [r] = stream.onResourcesChanged(SDS, ['s']).responses;
        nonces.add(r.nonce);
      }
      expect(nonces.size).toBe(51);
    });
  });

  describe('ACK, NACK and stale nonces', () => {
    it('an ACK is quiet and records the acked version', () => {
      const stream = adsOn(cacheWith([[SDS, 's', 'v1']]));
      const r = open(stream, SDS, ['s']);
      const step = ack(stream, r, ['s']);
      expect(step.responses).toEqual([]);
      expect(step.events).toEqual([{ kind: 'ack', typeUrl: SDS, version: r.version_info, nonce: r.nonce }]);
      expect(stream.status()[0].ackedVersion).toBe(r.version_info);
    });

    it('a NACK is recorded and never answered with the same content', () => {
      const cache = cacheWith([[CDS, 'c', 'v1']]);
      const stream = adsOn(cache);
      const r = open(stream, CDS, []);
      const nack = stream.onRequest(
        sotwRequest(CDS, [], {
          version_info: '',
          response_nonce: r.nonce,
          error_detail: { code: 3, message: 'cluster c: bad lb_policy' },
        }),
      );
      expect(nack.responses).toEqual([]);
      expect(nack.events).toEqual([
        {
          kind: 'nack',
          typeUrl: CDS,
          rejectedVersion: r.version_info,
          currentVersion: '',
          nonce: r.nonce,
          code: 3,
          message: 'cluster c: bad lb_policy',
        },
      ]);
      // The client's request after the NACK (nothing changed) does not bring the content back.
      expect(stream.refresh().responses).toEqual([]);
      // New content is pushed.
      cache.put(CDS, 'c', entry('c', 'v2'));
      const fixed = stream.onResourcesChanged(CDS, ['c']).responses;
      expect(sentNames(fixed[0].resources)).toEqual(['c@v2']);
    });

    it('ignores a request with a stale nonce, including its names', () => {
      const cache = cacheWith([
        [SDS, 'a', 'v1'],
        [SDS, 'b', 'v1'],
      ]);
      const stream = adsOn(cache);
      const first = open(stream, SDS, ['a']);
      cache.put(SDS, 'a', entry('a', 'v2'));
      const second = stream.onResourcesChanged(SDS, ['a']).responses[0];
      const stale = stream.onRequest(
        sotwRequest(SDS, ['a', 'b'], { version_info: first.version_info, response_nonce: first.nonce }),
      );
      expect(stale.responses).toEqual([]);
      expect(stale.events).toEqual([
        { kind: 'stale-nonce', typeUrl: SDS, nonce: first.nonce, expected: second.nonce },
      ]);
      expect(stream.status()[0].names).toEqual(['a']);
      // The answer to the current nonce carries the new names and is honoured.
      const current = ack(stream, second, ['a', 'b']);
      expect(kinds(current)).toEqual(['ack', 'push']);
      expect(sentNames(current.responses[0].resources)).toEqual(['a@v2', 'b@v1']);
    });
  });

  describe('SDS holds requests for secrets that do not exist yet', () => {
    it.each([
      ['on an SDS stream', SDS_MODE],
      ['on ADS', ADS_MODE],
    ])('%s', (_label, mode) => {
      const cache = new ResourceCache();
      const stream = new SotwStream({ mode, view: () => cache });
      const held = stream.onRequest(sotwRequest(SDS, ['kubernetes://httpbin-credential'], { node: NODE }));
      expect(held.responses).toEqual([]);
      // An unrelated secret appearing does not answer the held request.
      cache.put(SDS, 'kubernetes://other', entry('kubernetes://other', 'o1'));
      expect(stream.onResourcesChanged(SDS, ['kubernetes://other']).responses).toEqual([]);
      cache.put(SDS, 'kubernetes://httpbin-credential', entry('kubernetes://httpbin-credential', 'h1'));
      const pushed = stream.onResourcesChanged(SDS, ['kubernetes://httpbin-credential']);
      expect(pushed.responses).toHaveLength(1);
      expect(sentNames(pushed.responses[0].resources)).toEqual(['kubernetes://httpbin-credential@h1']);
      expect(pushed.responses[0].type_url).toBe(SDS);
    });

    it('answers with the secrets that exist and holds the rest', () => {
      const cache = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(cache);
      const r = open(stream, SDS, ['a', 'b']);
      expect(sentNames(r.resources)).toEqual(['a@v1']);
      cache.put(SDS, 'b', entry('b', 'v1'));
      expect(sentNames(stream.onResourcesChanged(SDS, ['b']).responses[0].resources)).toEqual([
        'a@v1',
        'b@v1',
      ]);
    });
  });

  describe('subscriptions', () => {
    const cache = cacheWith([
      [SDS, 'a', 'v1'],
      [SDS, 'b', 'v1'],
      [SDS, 'c', 'v1'],
    ]);

    it.each([
      {
        label: 'grow sends the set with the new name',
        next: ['a', 'b', 'c'],
        sent: ['a@v1', 'b@v1', 'c@v1'],
      },
      { label: 'shrink is quiet', next: ['a'], sent: null },
      { label: 'same names is quiet', next: ['a', 'b'], sent: null },
      { label: 'an empty list after names means none', next: [], sent: null },
    ])('$label', ({ next, sent }) => {
      const stream = adsOn(cache);
      const r = open(stream, SDS, ['a', 'b']);
      const step = ack(stream, r, next);
      expect(step.responses.length > 0 ? sentNames(step.responses[0].resources) : null).toEqual(sent);
      expect(stream.status()[0].names).toEqual(next);
    });

    it('unsubscribing and subscribing again resends', () => {
      const stream = adsOn(cache);
      const r1 = open(stream, SDS, ['a', 'b']);
      expect(ack(stream, r1, ['a']).responses).toEqual([]);
      const again = ack(stream, r1, ['a', 'b']).responses;
      expect(sentNames(again[0].resources)).toEqual(['a@v1', 'b@v1']);
    });

    it('after unsubscribing from everything, changes push nothing', () => {
      const local = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(local);
      const r = open(stream, SDS, ['a']);
      ack(stream, r, []);
      local.put(SDS, 'a', entry('a', 'v2'));
      expect(stream.onResourcesChanged(SDS, ['a']).responses).toEqual([]);
    });
  });

  describe('wildcard (LDS and CDS)', () => {
    it.each([
      { label: 'legacy: first LDS request without names', typeUrl: LDS, first: [], sent: ['l1@v1', 'l2@v1'] },
      { label: 'legacy: first CDS request without names', typeUrl: CDS, first: [], sent: ['c1@v1'] },
      { label: "explicit '*'", typeUrl: LDS, first: ['*'], sent: ['l1@v1', 'l2@v1'] },
      { label: "'*' with a name", typeUrl: LDS, first: ['*', 'l1'], sent: ['l1@v1', 'l2@v1'] },
      { label: 'names only', typeUrl: LDS, first: ['l2'], sent: ['l2@v1'] },
      { label: 'no legacy wildcard for RDS', typeUrl: RDS, first: [], sent: null },
      { label: 'no legacy wildcard for EDS', typeUrl: EDS, first: [], sent: null },
      { label: 'no legacy wildcard for SDS', typeUrl: SDS, first: [], sent: null },
      { label: "'*' is only a name for SDS", typeUrl: SDS, first: ['*'], sent: null },
    ])('$label', ({ typeUrl, first, sent }) => {
      const cache = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v1'],
        [CDS, 'c1', 'v1'],
        [RDS, 'r1', 'v1'],
        [EDS, 'e1', 'v1'],
        [SDS, 's1', 'v1'],
      ]);
      const step = adsOn(cache).onRequest(sotwRequest(typeUrl, first, { node: NODE }));
      expect(step.responses.length > 0 ? sentNames(step.responses[0].resources) : null).toEqual(sent);
    });

    it('answers the first wildcard request even when there is nothing yet', () => {
      const step = adsOn(new ResourceCache()).onRequest(sotwRequest(LDS, [], { node: NODE }));
      expect(step.responses).toHaveLength(1);
      expect(step.responses[0].resources).toEqual([]);
    });

    it('sends the whole set again when a resource is deleted, so the client removes it', () => {
      const cache = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v1'],
      ]);
      const stream = adsOn(cache);
      open(stream, LDS, []);
      cache.delete(LDS, 'l2');
      const step = stream.onResourcesChanged(LDS, ['l2']);
      expect(sentNames(step.responses[0].resources)).toEqual(['l1@v1']);
      expect(step.responses[0].version_info).toBe(contentVersion([['l1', 'v1']]));
    });

    it('keeps a legacy wildcard while requests stay empty, and ends it once names are sent', () => {
      const cache = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v1'],
      ]);
      const stream = adsOn(cache);
      const r1 = open(stream, LDS, []);
      expect(ack(stream, r1, []).responses).toEqual([]);
      expect(stream.status()[0].wildcard).toBe(true);
      // Naming l1 ends the wildcard; the client already holds l1, so nothing is due.
      expect(ack(stream, r1, ['l1']).responses).toEqual([]);
      expect(stream.status()[0]).toMatchObject({ wildcard: false, names: ['l1'] });
      cache.put(LDS, 'l2', entry('l2', 'v2'));
      expect(stream.onResourcesChanged(LDS, ['l2']).responses).toEqual([]);
      // Back to an empty list: now that means none.
      ack(stream, r1, []);
      expect(stream.status()[0]).toMatchObject({ wildcard: false, names: [] });
      cache.put(LDS, 'l1', entry('l1', 'v2'));
      expect(stream.onResourcesChanged(LDS, ['l1']).responses).toEqual([]);
    });
  });

  describe('stream errors', () => {
    it('fails an ADS stream whose request has no type_url with INVALID_ARGUMENT', () => {
      const stream = adsOn(new ResourceCache());
      const step = stream.onRequest({ node: NODE, resource_names: [], type_url: '' });
      expect(step.failure).toMatchObject({ status: 'INVALID_ARGUMENT', code: 3 });
      expect(stream.closed).toBe(true);
      expect(stream.onRequest(sotwRequest(LDS, []))).toEqual({ responses: [], events: [] });
    });

    it.each([
      { label: 'SDS implies the Secret type', typeUrl: '', failure: undefined, responses: 1 },
      { label: 'SDS accepts the Secret type', typeUrl: SDS, failure: undefined, responses: 1 },
      { label: 'SDS refuses another type', typeUrl: CDS, failure: 'INVALID_ARGUMENT', responses: 0 },
    ])('$label', ({ typeUrl, failure, responses }) => {
      const stream = new SotwStream({ mode: SDS_MODE, view: () => cacheWith([[SDS, 's', 'v1']]) });
      const step = stream.onRequest({ node: NODE, type_url: typeUrl, resource_names: ['s'] });
      expect(step.failure?.status).toBe(failure);
      expect(step.responses).toHaveLength(responses);
    });

    it('ignores a type it does not serve, reporting it', () => {
      const step = adsOn(new ResourceCache()).onRequest(
        sotwRequest('type.googleapis.com/envoy.service.runtime.v3.Runtime', ['r'], { node: NODE }),
      );
      expect(step.failure).toBeUndefined();
      expect(kinds(step)).toEqual(['unsupported-type']);
    });
  });

  describe('node', () => {
    it('reads the node from the first request and binds the view once', () => {
      const cache = cacheWith([[SDS, 's', 'v1']]);
      const seen: string[] = [];
      const stream = new SotwStream({
        mode: ADS_MODE,
        view: (node) => {
          seen.push(String(node.id));
          return cache;
        },
      });
      stream.onRequest(sotwRequest(SDS, ['s'], { node: NODE }));
      stream.onRequest(sotwRequest(LDS, [], { node: { id: 'someone-else' } }));
      expect(stream.node).toBe(NODE);
      expect(seen).toEqual([NODE.id]);
    });

    it('fails a stream whose first request has no node', () => {
      const step = adsOn(new ResourceCache()).onRequest(sotwRequest(SDS, ['s']));
      expect(step.failure).toMatchObject({
        status: 'INVALID_ARGUMENT',
        message: 'node.id: required on the first request',
      });
    });

    it('pushes nothing before the first request', () => {
      const stream = adsOn(cacheWith([[SDS, 's', 'v1']]));
      expect(stream.onResourcesChanged(SDS, ['s']).responses).toEqual([]);
    });
  });

  it('pushes several changed types in the order CDS, EDS, LDS, RDS, SDS', () => {
    const cache = cacheWith([
      [CDS, 'c', 'v1'],
      [EDS, 'e', 'v1'],
      [LDS, 'l', 'v1'],
      [RDS, 'r', 'v1'],
      [SDS, 's', 'v1'],
    ]);
    const stream = adsOn(cache);
    // Subscribe in a scrambled order.
    let r = open(stream, SDS, ['s']);
    for (const [typeUrl, names] of [
      [RDS, ['r']],
      [LDS, []],
      [EDS, ['e']],
      [CDS, []],
    ] as const) {
      r = stream.onRequest(sotwRequest(typeUrl, [...names])).responses[0];
    }
    for (const [typeUrl, name] of [
      [SDS, 's'],
      [RDS, 'r'],
      [LDS, 'l'],
      [EDS, 'e'],
      [CDS, 'c'],
    ]) {
      cache.put(typeUrl, name, entry(name, 'v2'));
    }
    const batch = new Map(
      [SDS, RDS, LDS, EDS, CDS].map((t, i) => [t, new Set([['s', 'r', 'l', 'e', 'c'][i]])]),
    );
    const step = stream.onChanges(batch);
    expect(step.responses.map((x) => x.type_url)).toEqual([CDS, EDS, LDS, RDS, SDS]);
    expect(r.type_url).toBe(CDS);
  });

  it('drops names it may not serve, reporting each once', () => {
    const cache = cacheWith([
      [SDS, 'kubernetes://mine', 'v1'],
      [SDS, 'kubernetes://other-ns/theirs', 'v1'],
    ]);
    const stream = adsOn(cache, { allowName: (_t, name) => !name.startsWith('kubernetes://other-ns/') });
    const first = stream.onRequest(
      sotwRequest(SDS, ['kubernetes://mine', 'kubernetes://other-ns/theirs'], { node: NODE }),
    );
    expect(first.events).toEqual([
      { kind: 'denied', typeUrl: SDS, name: 'kubernetes://other-ns/theirs' },
      expect.objectContaining({ kind: 'push' }),
    ]);
    expect(sentNames(first.responses[0].resources)).toEqual(['kubernetes://mine@v1']);
    const again = ack(stream, first.responses[0], ['kubernetes://mine', 'kubernetes://other-ns/theirs']);
    expect(kinds(again)).toEqual(['ack']);
  });

  describe('message size', () => {
    it('reports a set larger than the limit instead of sending or splitting it, once', () => {
      const cache = new ResourceCache();
      cache.put(CDS, 'a', entry('a', 'v1', 600));
      cache.put(CDS, 'b', entry('b', 'v1', 600));
      const stream = adsOn(cache, { maxMessageBytes: 1000 });
      const step = stream.onRequest(sotwRequest(CDS, [], { node: NODE }));
      expect(step.responses).toEqual([]);
      expect(step.events).toEqual([
        { kind: 'oversize', typeUrl: CDS, names: ['a', 'b'], bytes: expect.any(Number), limit: 1000 },
      ]);
      expect(stream.refresh().events).toEqual([]);
      // Once the set fits again it is sent.
      cache.delete(CDS, 'b');
      const fits = stream.onResourcesChanged(CDS, ['b']);
      expect(sentNames(fits.responses[0].resources).map((s) => s.slice(0, 4))).toEqual(['a@v1']);
    });
  });

  it('closing leaves no subscription behind', () => {
    const cache = cacheWith([[SDS, 's', 'v1']]);
    const stream = adsOn(cache);
    open(stream, SDS, ['s']);
    stream.close();
    expect(stream.subscribedTypes()).toEqual([]);
    cache.put(SDS, 's', entry('s', 'v2'));
    expect(stream.onResourcesChanged(SDS, ['s']).responses).toEqual([]);
  });
});
