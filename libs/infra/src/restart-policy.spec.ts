import { RestartPolicy } from './restart-policy.js';

describe('restart policy', () => {
  it('backs off 0.5 s doubling to 10 s while a service keeps crashing', () => {
    const p = new RestartPolicy();
    const delays = Array.from({ length: 8 }, (_, i) => p.onExit(i * 1000, i * 1000 + 100));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(p.restarts).toBe(8);
  });

  it('a run that stayed up for a minute resets the backoff, not the count', () => {
    const p = new RestartPolicy();
    p.onExit(0, 100);
    p.onExit(1000, 1100);
    expect(p.onExit(2000, 2000 + 60_000)).toBe(500);
    expect(p.onExit(70_000, 70_100)).toBe(1000);
    expect(p.restarts).toBe(4);
  });
});
