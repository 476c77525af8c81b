import { ShortMap } from './short-map.js';

describe('ShortMap', () => {
  it.each([0, 1, 2, 3, 8, 9, 40])('behaves as a Map with %i keys (scan, growth, then a real Map)', (n) => {
    const keys = Array.from({ length: n }, (_, i) => ({ i }));
    const short = new ShortMap<object, number>();
    const map = new Map<object, number>();
    keys.forEach((k, i) => {
      short.set(k, i);
      map.set(k, i);
    });
    // Overwrites keep the position, as in a Map.
    if (n > 0) {
      short.set(keys[0], -1);
      map.set(keys[0], -1);
    }
    expect(short.size).toBe(map.size);
    expect(short.keyList()).toEqual([...map.keys()]);
    const seen: [object, number][] = [];
    short.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...map.entries()]);
    for (const k of keys) {
      expect(short.get(k)).toBe(map.get(k));
      expect(short.has(k)).toBe(true);
    }
    expect(short.has({ i: 0 })).toBe(false);
    expect(short.get({ i: 0 })).toBeUndefined();
  });
});
