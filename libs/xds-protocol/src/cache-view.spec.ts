import { ChangeBatchBuilder, ResourceCache } from './cache-view.js';
import { SDS, entry } from './testing/spec-fixtures.js';

describe('ResourceCache', () => {
  it('reports a change only when content differs', () => {
    const cache = new ResourceCache();
    expect(cache.put(SDS, 'a', entry('a', 'v1'))).toBe(true);
    expect(cache.put(SDS, 'a', entry('a', 'v1'))).toBe(false);
    expect(cache.put(SDS, 'a', entry('a', 'v2'))).toBe(true);
    expect(cache.delete(SDS, 'a')).toBe(true);
    expect(cache.delete(SDS, 'a')).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.resources(SDS).size).toBe(0);
  });
});

describe('ChangeBatchBuilder', () => {
  it('merges names per type', () => {
    const batch = new ChangeBatchBuilder()
      .add(SDS, 'a')
      .merge(new Map([[SDS, new Set(['b', 'a'])]]))
      .build();
    expect([...batch.get(SDS)!].sort()).toEqual(['a', 'b']);
  });
});
