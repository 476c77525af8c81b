import { ErrorCodes } from './field-error.js';
import type { FieldReader } from './reader.js';

/** Istio's StringMatch: exactly one of exact, prefix or regex (RE2, whole-string). */
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };

export function readStringMatch(r: FieldReader, value: unknown, f: string): StringMatch | undefined {
  const m = r.object(value, f);
  if (!m) return undefined;
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (set.length !== 1) {
    return r.fail(f, ErrorCodes.invalidValue, 'must set exactly one of exact, prefix, regex');
  }
  const key = set[0];
  const v = m[key];
  if (typeof v !== 'string') return r.fail(`${f}.${key}`, ErrorCodes.invalidType, 'must be a string');
  if (key === 'regex' && v === '') return r.fail(`${f}.regex`, ErrorCodes.required, 'must not be empty');
  return { [key]: v } as StringMatch;
}
