import { contentVersion } from './version.js';

describe('contentVersion', () => {
  it.each([
    {
      label: 'order of entries does not matter',
      a: [
        ['x', '1'],
        ['y', '2'],
      ],
      b: [
        ['y', '2'],
        ['x', '1'],
      ],
      same: true,
    },
    { label: 'a version change changes it', a: [['x', '1']], b: [['x', '2']], same: false },
    { label: 'a name change changes it', a: [['x', '1']], b: [['z', '1']], same: false },
    { label: 'names and versions do not run together', a: [['ab', 'c']], b: [['a', 'bc']], same: false },
  ] as { label: string; a: [string, string][]; b: [string, string][]; same: boolean }[])(
    '$label',
    ({ a, b, same }) => {
      expect(contentVersion(a) === contentVersion(b)).toBe(same);
      expect(contentVersion(a)).toMatch(/^[0-9a-f]{16}$/);
    },
  );
});
