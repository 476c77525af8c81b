import { watchBackoffMs } from './watch-backoff.js';

describe('watchBackoffMs', () => {
  it.each([
    // failures, random, expected (base 200 ms, cap 30 s)
    [0, 0.5, 0],
    [1, 0, 100],
    [1, 0.999, 199],
    [2, 0, 200],
    [3, 1, 800],
    [8, 0, 12_800],
    [9, 0, 15_000], // 51.2 s capped at 30 s, half of it fixed
    [50, 0.5, 22_500],
  ])('after %i failures with random %d waits %i ms', (failures, r, expected) => {
    expect(watchBackoffMs(failures, {}, () => r)).toBe(expected);
  });

  it('spreads a fleet: different random draws wait different times within [ceiling/2, ceiling)', () => {
    const waits = [0.1, 0.4, 0.7, 0.95].map((r) =>
      watchBackoffMs(4, { baseMs: 100, maxMs: 10_000 }, () => r),
    );
    expect(new Set(waits).size).toBe(4);
    for (const w of waits) expect(w >= 400 && w < 800).toBe(true);
  });
});
