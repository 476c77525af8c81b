import type { z } from 'zod';
import type { FieldError } from './errors.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** `['spec', 'servers', 0, 'tls']` -> `spec.servers[0].tls` */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * The one way a payload is checked where it enters a service: every problem, each with its field
 * path, as data.
 */
export function validatePayload<S extends z.ZodType>(
  schema: S,
  value: unknown,
  resource?: string,
): Validation<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = parsed.error.issues.map((issue): FieldError => {
    const e: FieldError = { code: issue.code, field: fieldPath(issue.path), message: issue.message };
    if (resource) e.resource = resource;
    return e;
  });
  return { ok: false, errors };
}
