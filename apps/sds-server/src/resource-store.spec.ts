import { TypeUrl } from '#keyway/envoy-api';
import { ResourceStore, type StoreChange } from './resource-store.js';
import { parseSnapshotKey, SnapshotFeed } from './snapshot-feed.js';
import { StreamHub } from './stream-hub.js';
import { SotwStream, SDS_MODE } from '#keyway/xds-protocol';

const e = (v: string) => ({ version: v, bytes: Buffer.from(v) });

describe('ResourceStore', () => {
  it('notifies per scope, never for identical content', () => {
    const store = new ResourceStore();
    const seen: StoreChange[] = [];
    store.onChange((c) => seen.push(c));
    store.putSecret('ns', [{ name: 'kubernetes://a', entry: e('1') }]);
    store.putSecret('ns', [{ name: 'kubernetes://a', entry: e('1') }]);
    store.putResource('g-1', TypeUrl.Cluster, 'c', e('1'));
    expect(seen.map((c) => c.scope)).toEqual(['ns:ns', 'group:g-1']);
  });

  it('emits one batch per scope for a transaction, groups before namespaces', () => {
    const store = new ResourceStore();
    const seen: StoreChange[] = [];
    store.onChange((c) => seen.push(c));
    store.transaction(() => {
      store.putSecret('ns', [{ name: 'kubernetes://a', entry: e('1') }]);
      store.putResource('g-1', TypeUrl.Listener, 'l', e('1'));
      store.putResource('g-1', TypeUrl.Cluster, 'c', e('1'));
    });
    expect(seen.map((c) => [c.scope, [...c.batch.keys()].length])).toEqual([
      ['group:g-1', 2],
      ['ns:ns', 1],
    ]);
  });

  it('a view shows a namespace its own secrets and a group its own resources', () => {
    const store = new ResourceStore();
    store.putSecret('a', [{ name: 'kubernetes://x', entry: e('a') }]);
    store.putSecret('b', [{ name: 'kubernetes://x', entry: e('b') }]);
    store.putResource('g-a', TypeUrl.Cluster, 'c', e('1'));
    const view = store.viewFor('a', 'g-a');
    expect(view.resources(TypeUrl.Secret).get('kubernetes://x')?.version).toBe('a');
    expect(view.resources(TypeUrl.Cluster).size).toBe(1);
    expect(store.viewFor('b', 'g-b').resources(TypeUrl.Cluster).size).toBe(0);
  });
});

describe('snapshot keys', () => {
  it.each([
    [`g-0123456789abcdef.cds.${Buffer.from('outbound|80||x').toString('base64url')}`, 'outbound|80||x'],
    ['g-0123456789abcdef.xyz.YQ', undefined],
    ['g-0123456789abcdef.cds', undefined],
  ])('%s', (key, name) => {
    expect(parseSnapshotKey(key)?.name).toBe(name);
  });

  it('a KV delete removes the resource', () => {
    const store = new ResourceStore();
    const feed = new SnapshotFeed(store);
    const name = 'outbound|80||x';
    feed.apply({
      kind: 'put',
      key: 'k',
      value: {
        schemaVersion: 1,
        groupId: 'g-0123456789abcdef',
        typeUrl: TypeUrl.Cluster,
        name,
        version: '0123456789abcdef',
        resource: Buffer.from('x').toString('base64'),
      },
    });
    expect(store.viewFor('ns', 'g-0123456789abcdef').resources(TypeUrl.Cluster).size).toBe(1);
    feed.apply({ kind: 'delete', key: `g-0123456789abcdef.cds.${Buffer.from(name).toString('base64url')}` });
    expect(store.viewFor('ns', 'g-0123456789abcdef').resources(TypeUrl.Cluster).size).toBe(0);
  });
});

describe('StreamHub', () => {
  it('leaves no scope behind once its streams are removed', () => {
    const hub = new StreamHub();
    const a = new SotwStream({ mode: SDS_MODE, view: () => new ResourceStore().viewFor('ns', 'g') });
    const b = new SotwStream({ mode: SDS_MODE, view: () => new ResourceStore().viewFor('ns', 'g') });
    hub.add(a, ['group:g', 'ns:ns']);
    hub.add(b, ['group:g', 'ns:other']);
    expect(hub.scopeCount).toBe(3);
    hub.remove(a);
    hub.remove(b);
    expect(hub.size).toBe(0);
    expect(hub.scopeCount).toBe(0);
  });
});
