import type { Rules } from './rules.js';
import type { RuleProblem } from './violation.js';

/** The rule keys evaluated on well-known message types, by rule kind. */
export const WELL_KNOWN_CHECKED: Record<string, readonly string[]> = {
  duration: ['required', 'gt', 'gte', 'lt', 'lte'],
  any: ['required', 'in', 'not_in'],
  timestamp: ['required'],
};

/** Nanoseconds of a `google.protobuf.Duration`-like value (rule values too). */
export function durationNanos(d: { seconds?: unknown; nanos?: unknown } | undefined): number {
  if (!d) return 0;
  return Number(String(d.seconds ?? 0)) * 1e9 + Number(String(d.nanos ?? 0));
}

export function durationProblems(d: { seconds?: unknown; nanos?: unknown }, r: Rules): RuleProblem[] {
  const n = durationNanos(d);
  const out: RuleProblem[] = [];
  if (r.gt && !(n > durationNanos(r.gt))) out.push({ rule: 'duration.gt', message: 'duration too short' });
  if (r.gte && !(n >= durationNanos(r.gte)))
    out.push({ rule: 'duration.gte', message: 'duration too short' });
  if (r.lt && !(n < durationNanos(r.lt))) out.push({ rule: 'duration.lt', message: 'duration too long' });
  if (r.lte && !(n <= durationNanos(r.lte))) out.push({ rule: 'duration.lte', message: 'duration too long' });
  return out;
}

export function anyProblems(typeUrl: string, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (Array.isArray(r.in) && !r.in.includes(typeUrl))
    out.push({ rule: 'any.in', message: `type ${typeUrl} not allowed` });
  if (Array.isArray(r.not_in) && r.not_in.includes(typeUrl))
    out.push({ rule: 'any.not_in', message: `type ${typeUrl} not allowed` });
  return out;
}
