import type { Duration } from './envoy-shapes.js';

/** Milliseconds of a decoded google.protobuf.Duration; undefined when the field is absent. */
export function durationMs(duration: Duration | undefined): number | undefined {
  if (!duration) return undefined;
  const seconds = Number(duration.seconds ?? 0);
  const nanos = Number(duration.nanos ?? 0);
  return seconds * 1000 + Math.floor(nanos / 1e6);
}
