/**
 * How long a list/watch loop waits after `failures` consecutive failures: exponential from `baseMs`,
 * capped at `maxMs`, with equal jitter (half the step fixed, half uniformly random), so a fleet of watchers cut off by one API server restart does not come
 * back in lockstep. `random` is Math.random in production, fixed in the spec.
 */
export function watchBackoffMs(
  failures: number,
  options: { baseMs?: number; maxMs?: number } = {},
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(failures - 1, 20));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
