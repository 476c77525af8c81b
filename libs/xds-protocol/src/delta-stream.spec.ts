import { ResourceCache } from './cache-view.js';
import { DeltaStream } from './delta-stream.js';
import { ADS_MODE, SDS_MODE } from './stream-mode.js';
import { contentVersion } from './version.js';
import { CDS, EDS, LDS, NODE, RDS, SDS, cacheWith, entry, kinds } from './testing/spec-fixtures.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from './wire.js';

function adsOn(
  cache: ResourceCache,
  extra: Partial<ConstructorParameters<typeof DeltaStream>[0]> = {},
): DeltaStream {
  return new DeltaStream({ mode: ADS_MODE, view: () => cache, ...extra });
}

function req(typeUrl: string, extra: Partial<DeltaDiscoveryRequest> = {}): DeltaDiscoveryRequest {
  return {
    type_url: typeUrl,
    resource_names_subscribe: [],
    resource_names_unsubscribe: [],
    initial_resource_versions: {},
    response_nonce: '',
    ...extra,
  };
}

/** `name@version` of updated resources and the removed names, per response. */
function summary(responses: DeltaDiscoveryResponse[]) {
  return responses.map((r) => ({
    updated: r.resources.map((x) => `${x.name}@${x.version}`),
    removed: r.removed_resources,
  }));
}

describe('DeltaStream', () => {
  describe('subscriptions and holding', () => {
    it('holds a subscription to a secret that does not exist and pushes it when it appears', () => {
      const cache = new ResourceCache();
      const stream = new DeltaStream({ mode: SDS_MODE, view: () => cache });
      const held = stream.onRequest(
        req('', { node: NODE, resource_names_subscribe: ['kubernetes://httpbin-credential'] }),
      );
      expect(held.responses).toEqual([]);
      cache.put(SDS, 'kubernetes://httpbin-credential', entry('kubernetes://httpbin-credential', 'h1'));
      const pushed = stream.onResourcesChanged(SDS, ['kubernetes://httpbin-credential']).responses;
      expect(summary(pushed)).toEqual([{ updated: ['kubernetes://httpbin-credential@h1'], removed: [] }]);
      expect(pushed[0].resources[0].resource).toEqual({
        type_url: SDS,
        value: Buffer.from('kubernetes://httpbin-credential@h1'),
      });
    });

    it('sends only what changed', () => {
      const cache = cacheWith([
        [SDS, 'a', 'v1'],
        [SDS, 'b', 'v1'],
      ]);
      const stream = adsOn(cache);
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a', 'b'] }));
      cache.put(SDS, 'b', entry('b', 'v2'));
      expect(summary(stream.onResourcesChanged(SDS, ['b']).responses)).toEqual([
        { updated: ['b@v2'], removed: [] },
      ]);
    });

    it('unsubscribing and subscribing again resends', () => {
      const stream = adsOn(cacheWith([[SDS, 'a', 'v1']]));
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
      expect(stream.onRequest(req(SDS, { resource_names_unsubscribe: ['a'] })).responses).toEqual([]);
      const again = stream.onRequest(req(SDS, { resource_names_subscribe: ['a'] })).responses;
      expect(summary(again)).toEqual([{ updated: ['a@v1'], removed: [] }]);
    });

    it('pushes nothing for a resource after it was unsubscribed', () => {
      const cache = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(cache);
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
      stream.onRequest(req(SDS, { resource_names_unsubscribe: ['a'] }));
      cache.put(SDS, 'a', entry('a', 'v2'));
      expect(stream.onResourcesChanged(SDS, ['a']).responses).toEqual([]);
      cache.delete(SDS, 'a');
      expect(stream.onResourcesChanged(SDS, ['a']).responses).toEqual([]);
    });
  });

  describe('removed_resources', () => {
    it.each([
      {
        label: 'a deleted resource that was sent is removed',
        sent: true,
        subscribed: true,
        removed: [['a']],
      },
      { label: 'a secret that never existed is not removed', sent: false, subscribed: true, removed: [] },
      { label: 'an unsubscribed resource is not removed', sent: true, subscribed: false, removed: [] },
    ])('$label', ({ sent, subscribed, removed }) => {
      const cache = sent ? cacheWith([[SDS, 'a', 'v1']]) : new ResourceCache();
      const stream = adsOn(cache);
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
      if (!subscribed) stream.onRequest(req(SDS, { resource_names_unsubscribe: ['a'] }));
      cache.delete(SDS, 'a');
      const step = stream.onResourcesChanged(SDS, ['a']);
      expect(step.responses.map((r) => r.removed_resources)).toEqual(removed);
    });

    it('removes a deleted resource from a wildcard subscription', () => {
      const cache = cacheWith([
        [CDS, 'c1', 'v1'],
        [CDS, 'c2', 'v1'],
      ]);
      const stream = adsOn(cache);
      stream.onRequest(req(CDS, { node: NODE }));
      cache.delete(CDS, 'c2');
      const [r] = stream.onResourcesChanged(CDS, ['c2']).responses;
      expect(summary([r])).toEqual([{ updated: [], removed: ['c2'] }]);
      expect(r.system_version_info).toBe(contentVersion([['c1', 'v1']]));
    });
  });

  describe('initial_resource_versions on reconnect', () => {
    it.each([
      {
        label: 'up-to-date resources are not resent',
        held: { a: 'v1', b: 'v1' },
        expected: [],
      },
      {
        label: 'a changed resource is resent',
        held: { a: 'v0', b: 'v1' },
        expected: [{ updated: ['a@v1'], removed: [] }],
      },
      {
        label: 'a resource the client lacks is sent',
        held: { a: 'v1' },
        expected: [{ updated: ['b@v1'], removed: [] }],
      },
      {
        label: 'a held resource that no longer exists is removed',
        held: { a: 'v1', b: 'v1', gone: 'v9' },
        subscribe: ['a', 'b', 'gone'],
        expected: [{ updated: [], removed: ['gone'] }],
      },
      {
        label: 'versions for names not subscribed are ignored',
        held: { a: 'v1', b: 'v1', other: 'v9' },
        expected: [],
      },
    ] as { label: string; held: Record<string, string>; subscribe?: string[]; expected: unknown[] }[])(
      '$label',
      ({ held, expected, subscribe }) => {
        const cache = cacheWith([
          [SDS, 'a', 'v1'],
          [SDS, 'b', 'v1'],
        ]);
        const step = adsOn(cache).onRequest(
          req(SDS, {
            node: NODE,
            resource_names_subscribe: subscribe ?? ['a', 'b'],
            initial_resource_versions: held,
          }),
        );
        expect(summary(step.responses)).toEqual(expected);
      },
    );

    it('honours initial versions on a legacy wildcard subscription', () => {
      const cache = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v2'],
      ]);
      const step = adsOn(cache).onRequest(
        req(LDS, { node: NODE, initial_resource_versions: { l1: 'v1', l2: 'v1', l3: 'v1' } }),
      );
      expect(summary(step.responses)).toEqual([{ updated: ['l2@v2'], removed: ['l3'] }]);
    });

    it('only reads initial versions on the first request of a type', () => {
      const cache = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(cache);
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
      const later = stream.onRequest(
        req(SDS, { resource_names_subscribe: ['b'], initial_resource_versions: { a: 'v0' } }),
      );
      expect(later.responses).toEqual([]);
    });
  });

  describe('wildcard', () => {
    const cache = cacheWith([
      [LDS, 'l1', 'v1'],
      [LDS, 'l2', 'v1'],
      [CDS, 'c1', 'v1'],
      [SDS, 's1', 'v1'],
      [RDS, 'r1', 'v1'],
    ]);

    it.each([
      {
        label: 'legacy: first LDS request subscribing nothing',
        typeUrl: LDS,
        subscribe: [],
        updated: ['l1@v1', 'l2@v1'],
      },
      {
        label: 'legacy: first CDS request subscribing nothing',
        typeUrl: CDS,
        subscribe: [],
        updated: ['c1@v1'],
      },
      { label: "explicit '*'", typeUrl: LDS, subscribe: ['*'], updated: ['l1@v1', 'l2@v1'] },
      { label: "'*' and a name", typeUrl: LDS, subscribe: ['*', 'l1'], updated: ['l1@v1', 'l2@v1'] },
      { label: 'a name only', typeUrl: LDS, subscribe: ['l2'], updated: ['l2@v1'] },
      { label: 'SDS subscribing nothing is not a wildcard', typeUrl: SDS, subscribe: [], updated: null },
      { label: 'RDS subscribing nothing is not a wildcard', typeUrl: RDS, subscribe: [], updated: null },
    ])('$label', ({ typeUrl, subscribe, updated }) => {
      const step = adsOn(cache).onRequest(req(typeUrl, { node: NODE, resource_names_subscribe: subscribe }));
      expect(step.responses.length > 0 ? summary(step.responses)[0].updated : null).toEqual(updated);
    });

    it('answers the first wildcard request even with nothing to send', () => {
      const step = adsOn(new ResourceCache()).onRequest(req(CDS, { node: NODE }));
      expect(summary(step.responses)).toEqual([{ updated: [], removed: [] }]);
    });

    it('naming a resource ends the legacy wildcard', () => {
      const local = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v1'],
      ]);
      const stream = adsOn(local);
      stream.onRequest(req(LDS, { node: NODE }));
      stream.onRequest(req(LDS, { resource_names_subscribe: ['l1'] }));
      expect(stream.status()[0]).toMatchObject({ wildcard: false, names: ['l1'] });
      local.put(LDS, 'l2', entry('l2', 'v2'));
      expect(stream.onResourcesChanged(LDS, ['l2']).responses).toEqual([]);
    });

    it("unsubscribing '*' keeps the named resources only", () => {
      const local = cacheWith([
        [LDS, 'l1', 'v1'],
        [LDS, 'l2', 'v1'],
      ]);
      const stream = adsOn(local);
      stream.onRequest(req(LDS, { node: NODE, resource_names_subscribe: ['*', 'l1'] }));
      stream.onRequest(req(LDS, { resource_names_unsubscribe: ['*'] }));
      local.put(LDS, 'l1', entry('l1', 'v2'));
      local.put(LDS, 'l2', entry('l2', 'v2'));
      expect(summary(stream.onChanges(new Map([[LDS, new Set(['l1', 'l2'])]])).responses)).toEqual([
        { updated: ['l1@v2'], removed: [] },
      ]);
    });
  });

  describe('ACK, NACK, stale nonces', () => {
    it('an ACK is quiet and records the system version', () => {
      const stream = adsOn(cacheWith([[SDS, 'a', 'v1']]));
      const [r] = stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] })).responses;
      const step = stream.onRequest(req(SDS, { response_nonce: r.nonce }));
      expect(step.responses).toEqual([]);
      expect(step.events).toEqual([
        { kind: 'ack', typeUrl: SDS, version: r.system_version_info, nonce: r.nonce },
      ]);
      expect(stream.status()[0]).toMatchObject({ ackedVersion: r.system_version_info, pendingNonces: [] });
    });

    it('a NACK is recorded and the same content is not resent', () => {
      const cache = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(cache);
      const [r] = stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] })).responses;
      const step = stream.onRequest(
        req(SDS, { response_nonce: r.nonce, error_detail: { code: 13, message: 'secret a: bad PEM' } }),
      );
      expect(step.responses).toEqual([]);
      expect(step.events).toEqual([
        {
          kind: 'nack',
          typeUrl: SDS,
          rejectedVersion: r.system_version_info,
          currentVersion: '',
          nonce: r.nonce,
          code: 13,
          message: 'secret a: bad PEM',
        },
      ]);
      expect(stream.refresh().responses).toEqual([]);
      cache.put(SDS, 'a', entry('a', 'v2'));
      expect(summary(stream.onResourcesChanged(SDS, ['a']).responses)).toEqual([
        { updated: ['a@v2'], removed: [] },
      ]);
    });

    it('ignores the ACK in a request with a stale nonce but keeps its subscription change', () => {
      const cache = cacheWith([
        [SDS, 'a', 'v1'],
        [SDS, 'b', 'v1'],
      ]);
      const stream = adsOn(cache);
      stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
      const step = stream.onRequest(
        req(SDS, { response_nonce: 'not-a-nonce', resource_names_subscribe: ['b'] }),
      );
      expect(kinds(step)).toEqual(['stale-nonce', 'push']);
      expect(summary(step.responses)).toEqual([{ updated: ['b@v1'], removed: [] }]);
      expect(stream.status()[0].ackedVersion).toBeUndefined();
    });

    it('an ACK of a newer response answers the older ones; an older nonce is then stale', () => {
      const cache = cacheWith([[SDS, 'a', 'v1']]);
      const stream = adsOn(cache);
      const [r1] = stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] })).responses;
      cache.put(SDS, 'a', entry('a', 'v2'));
      const [r2] = stream.onResourcesChanged(SDS, ['a']).responses;
      expect(kinds(stream.onRequest(req(SDS, { response_nonce: r2.nonce })))).toEqual(['ack']);
      expect(kinds(stream.onRequest(req(SDS, { response_nonce: r1.nonce })))).toEqual(['stale-nonce']);
      expect(stream.status()[0].ackedVersion).toBe(r2.system_version_info);
    });

    it('keeps version and nonce per type', () => {
      const cache = cacheWith([
        [CDS, 'c', 'v1'],
        [SDS, 's', 'v1'],
      ]);
      const stream = adsOn(cache);
      const [c] = stream.onRequest(req(CDS, { node: NODE })).responses;
      const [s] = stream.onRequest(req(SDS, { resource_names_subscribe: ['s'] })).responses;
      expect(c.nonce).not.toBe(s.nonce);
      expect(c.system_version_info).toBe(contentVersion([['c', 'v1']]));
      expect(s.system_version_info).toBe(contentVersion([['s', 'v1']]));
      expect(kinds(stream.onRequest(req(SDS, { response_nonce: c.nonce })))).toEqual(['stale-nonce']);
    });
  });

  describe('stream errors and node', () => {
    it('fails an ADS request without type_url with INVALID_ARGUMENT', () => {
      const stream = adsOn(new ResourceCache());
      expect(stream.onRequest(req('', { node: NODE })).failure).toMatchObject({ status: 'INVALID_ARGUMENT' });
      expect(stream.closed).toBe(true);
    });

    it('fails a first request without a node', () => {
      expect(adsOn(new ResourceCache()).onRequest(req(SDS)).failure?.status).toBe('INVALID_ARGUMENT');
    });

    it('keeps the node of the first request', () => {
      const stream = adsOn(new ResourceCache());
      stream.onRequest(req(SDS, { node: NODE }));
      stream.onRequest(req(CDS, { node: { id: 'other' } }));
      expect(stream.node).toBe(NODE);
    });
  });

  it('pushes several changed types in the order CDS, EDS, LDS, RDS, SDS', () => {
    const cache = new ResourceCache();
    const stream = adsOn(cache);
    for (const [typeUrl, name] of [
      [SDS, 's'],
      [RDS, 'r'],
      [LDS, 'l'],
      [EDS, 'e'],
      [CDS, 'c'],
    ]) {
      stream.onRequest(req(typeUrl, { node: NODE, resource_names_subscribe: [name] }));
      cache.put(typeUrl, name, entry(name, 'v1'));
    }
    const batch = new Map([
      [SDS, new Set(['s'])],
      [LDS, new Set(['l'])],
      [RDS, new Set(['r'])],
      [CDS, new Set(['c'])],
      [EDS, new Set(['e'])],
    ]);
    expect(stream.onChanges(batch).responses.map((r) => r.type_url)).toEqual([CDS, EDS, LDS, RDS, SDS]);
  });

  it('drops names it may not serve', () => {
    const cache = cacheWith([[SDS, 'kubernetes://other/x', 'v1']]);
    const stream = adsOn(cache, { allowName: (_t, n) => !n.startsWith('kubernetes://other/') });
    const step = stream.onRequest(
      req(SDS, { node: NODE, resource_names_subscribe: ['kubernetes://other/x'] }),
    );
    expect(step.responses).toEqual([]);
    expect(step.events).toEqual([{ kind: 'denied', typeUrl: SDS, name: 'kubernetes://other/x' }]);
    expect(stream.status()[0].names).toEqual([]);
  });

  describe('message size', () => {
    it('splits a change larger than the limit across several responses, each within it', () => {
      const cache = new ResourceCache();
      for (const name of ['a', 'b', 'c', 'd', 'e']) cache.put(CDS, name, entry(name, 'v1', 350));
      const stream = adsOn(cache, { maxMessageBytes: 1000 });
      const step = stream.onRequest(req(CDS, { node: NODE }));
      expect(step.responses.map((r) => r.resources.map((x) => x.name))).toEqual([
        ['a', 'b'],
        ['c', 'd'],
        ['e'],
      ]);
      const pushes = step.events.filter((e) => e.kind === 'push');
      for (const p of pushes) expect(p.bytes).toBeLessThanOrEqual(1000);
      // Each response's version describes what the client holds after it.
      expect(step.responses.at(-1)!.system_version_info).toBe(
        contentVersion(['a', 'b', 'c', 'd', 'e'].map((n) => [n, 'v1'] as const)),
      );
      expect(new Set(step.responses.map((r) => r.nonce)).size).toBe(3);
    });

    it('reports a single resource larger than the limit, once, and sends the rest', () => {
      const cache = new ResourceCache();
      cache.put(CDS, 'big', entry('big', 'v1', 2000));
      cache.put(CDS, 'small', entry('small', 'v1', 10));
      const stream = adsOn(cache, { maxMessageBytes: 1000 });
      const step = stream.onRequest(req(CDS, { node: NODE }));
      expect(summary(step.responses)).toEqual([{ updated: ['small@v1'], removed: [] }]);
      expect(step.events[0]).toMatchObject({ kind: 'oversize', names: ['big'], limit: 1000 });
      expect(stream.refresh().events).toEqual([]);
    });
  });

  it('closing leaves no subscription behind', () => {
    const cache = cacheWith([[SDS, 'a', 'v1']]);
    const stream = adsOn(cache);
    stream.onRequest(req(SDS, { node: NODE, resource_names_subscribe: ['a'] }));
    stream.close();
    expect(stream.subscribedTypes()).toEqual([]);
    cache.put(SDS, 'a', entry('a', 'v2'));
    expect(stream.onResourcesChanged(SDS, ['a']).responses).toEqual([]);
    expect(stream.onRequest(req(SDS, { resource_names_subscribe: ['a'] })).responses).toEqual([]);
  });
});
