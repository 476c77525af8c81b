import { clientNames, clientText } from './client-text.js';

describe('client text bounds', () => {
  it.each([
    { value: 'short', limit: 10, out: 'short' },
    { value: 'x'.repeat(12), limit: 10, out: 'xxxxxxxxxx...(2 more characters)' },
    { value: 42, limit: 10, out: '42' },
  ])('$value cut at $limit', ({ value, limit, out }) => {
    expect(clientText(value, limit)).toBe(out);
  });

  it('bounds a list of names and each name', () => {
    const names = Array.from({ length: 20 }, (_, i) => `kubernetes://${'n'.repeat(300)}${i}`);
    const shown = clientNames(names);
    expect(shown).toHaveLength(17);
    expect(shown[16]).toBe('...(4 more)');
    expect(shown[0].length).toBeLessThan(300);
  });
});
