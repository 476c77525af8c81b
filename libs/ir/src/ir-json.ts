import type { IrSnapshot } from './model.js';

/**
 * IrSnapshot <-> JSON, for the per-stage golden files (Istio resources -> IR -> xDS).
 *
 * The IR is plain data, so JSON can hold it, but `JSON.stringify` would not say when that stops being
 * true: a Map or Set becomes `{}`, an undefined array item `null`, Infinity `null`, and a golden that
 * silently lost a field still passes. The writer therefore copies only plain data and refuses the rest,
 * naming the field. Keys keep the order the builder wrote them in (resource before conditions, host
 * before port), which the one-shot build makes deterministic; the model has no Maps or Sets to sort.
 */
export function irToJson(ir: IrSnapshot): string {
  // Spelled out: `statuses` is a getter (sorted on first read), and this fixes the top-level order.
  const snapshot = {
    group: ir.group,
    listeners: ir.listeners,
    routeTables: ir.routeTables,
    clusters: ir.clusters,
    statuses: ir.statuses,
  };
  return JSON.stringify(plainData(snapshot, 'ir', new Set()), null, 2) + '\n';
}

/** The snapshot `irToJson` wrote; optional fields it dropped read as undefined again. */
export function irFromJson(text: string): IrSnapshot {
  const value: unknown = JSON.parse(text);
  if (!isPlainObject(value) || !isPlainObject(value.group)) throw new Error('IR JSON: not an IrSnapshot');
  for (const list of ['listeners', 'routeTables', 'clusters', 'statuses'] as const) {
    if (!Array.isArray(value[list])) throw new Error(`IR JSON: ${list} must be an array`);
  }
  return value as unknown as IrSnapshot;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy holding only what JSON round-trips exactly. An undefined property is left out: the IR's
 * optional fields are read with `=== undefined`, so absent and undefined mean the same to the xDS stage.
 */
function plainData(value: unknown, field: string, ancestors: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`IR JSON: ${field} is ${value}, which JSON cannot hold`);
    return value;
  }
  if (typeof value !== 'object') throw new Error(`IR JSON: ${field} is a ${typeof value}, not data`);
  if (ancestors.has(value)) throw new Error(`IR JSON: ${field} refers back to itself`);
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = Array.from(value, (item, i) => {
      if (item === undefined) throw new Error(`IR JSON: ${field}[${i}] is undefined`);
      return plainData(item, `${field}[${i}]`, ancestors);
    });
  } else if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (value[key] !== undefined) out[key] = plainData(value[key], `${field}.${key}`, ancestors);
    }
    copy = out;
  } else {
    const kind = (value as object).constructor?.name ?? 'object';
    throw new Error(`IR JSON: ${field} is a ${kind}; the IR must stay plain objects and arrays`);
  }
  ancestors.delete(value);
  return copy;
}
