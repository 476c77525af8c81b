import type { FieldReader } from './reader.js';

export interface HeaderOperation {
  set: Record<string, string>;
  add: Record<string, string>;
  remove: string[];
}

export interface HeaderOperations {
  request?: HeaderOperation;
  response?: HeaderOperation;
}

export function readHeaderOperations(
  r: FieldReader,
  value: unknown,
  f: string,
): HeaderOperations | undefined {
  const h = r.object(value, f);
  if (!h) return undefined;
  const one = (v: unknown, path: string): HeaderOperation | undefined => {
    const o = r.object(v, path);
    if (!o) return undefined;
    return {
      set: r.stringMap(o.set, `${path}.set`),
      add: r.stringMap(o.add, `${path}.add`),
      remove: r.stringArray(o.remove, `${path}.remove`),
    };
  };
  return { request: one(h.request, `${f}.request`), response: one(h.response, `${f}.response`) };
}
