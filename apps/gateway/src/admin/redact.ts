import { redactKeyMaterial, REDACTION_MARKER } from '#keyway/key-material';

/** Field names whose values are key material in Envoy resources. */
const SECRET_FIELDS = new Set(['private_key', 'password', 'session_ticket_keys', 'generic_secret']);

/** A deep copy with every key-bearing field replaced and any PEM key in free text scrubbed. */
export function redactResource(value: unknown): unknown {
  if (typeof value === 'string') return redactKeyMaterial(value);
  if (Array.isArray(value)) return value.map(redactResource);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_FIELDS.has(k) ? REDACTION_MARKER : redactResource(v);
    return out;
  }
  return value;
}
