import { validatePayload, type k8sName, type k8sNamespace } from '#keyway/contracts';
import { clientText } from '#keyway/observability';
import { ApiError } from './http-errors.js';

/** A namespace or name from the path or query, or 400 naming what it is and why (client text bounded). */
export function checkedParam(
  value: string,
  schema: typeof k8sName | typeof k8sNamespace,
  what: string,
): string {
  const v = validatePayload(schema, value);
  if (!v.ok) throw ApiError.invalid(`${what} ${JSON.stringify(clientText(value))}: ${v.errors[0].message}`);
  return value;
}
