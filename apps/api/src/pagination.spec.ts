import { CursorError, paginate, parseLimit } from './pagination.js';

describe('paginate', () => {
  const items = ['c', 'a', 'e', 'b', 'd'];
  it('walks a sorted list page by page and stays correct when items change between pages', () => {
    const p1 = paginate(items, (s) => s, 2);
    expect(p1.items).toEqual(['a', 'b']);
    const p2 = paginate([...items, 'aa'], (s) => s, 2, p1.next);
    expect(p2.items).toEqual(['c', 'd']);
    const p3 = paginate(items, (s) => s, 2, p2.next);
    expect(p3).toEqual({ items: ['e'] });
  });

  it('checks the limit', () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('5')).toBe(5);
    expect(() => parseLimit('0')).toThrow(CursorError);
    expect(() => parseLimit('abc')).toThrow(CursorError);
    expect(() => parseLimit('1001')).toThrow(CursorError);
  });
});
