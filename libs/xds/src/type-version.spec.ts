import { randomBytes } from 'node:crypto';
import { TypeVersion, typeVersion } from './encode.js';

/** The definition: the sum of the versions as 64-bit numbers, modulo 2^64, in 16 hex digits. */
function reference(versions: string[]): string {
  const sum = versions.reduce((s, v) => (s + BigInt(`0x${v}`)) & ((1n << 64n) - 1n), 0n);
  return sum.toString(16).padStart(16, '0');
}

describe('TypeVersion', () => {
  it.each([
    ['empty', []],
    ['one', ['0123456789abcdef']],
    ['carry out of the low half', ['00000000ffffffff', '0000000000000001']],
    ['wrap past 2^64', ['ffffffffffffffff', '0000000000000002']],
    ['many random', Array.from({ length: 500 }, () => randomBytes(8).toString('hex'))],
  ])('sums versions modulo 2^64: %s', (_name, versions) => {
    const v = new TypeVersion();
    for (const x of versions) v.add(x);
    expect(v.toString()).toBe(reference(versions));
    expect(typeVersion(versions.map((version) => ({ version }) as never))).toBe(reference(versions));
  });

  it('removing a version undoes adding it, across borrows and wraps', () => {
    const versions = Array.from({ length: 200 }, () => randomBytes(8).toString('hex'));
    versions.push('0000000000000000', 'ffffffffffffffff', '00000000ffffffff');
    const v = new TypeVersion();
    for (const x of versions) v.add(x);
    const c = v.clone();
    for (const x of versions.slice(0, 100)) c.remove(x);
    expect(c.toString()).toBe(reference(versions.slice(100)));
    expect(v.toString()).toBe(reference(versions));
  });
});
