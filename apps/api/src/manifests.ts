import { parseAllDocuments } from 'yaml';
import type { FieldError } from '#keyway/contracts';

/**
 * The manifests users already have: YAML or JSON, one or several documents (`---`), or a
 * Kubernetes `List`. Pure: text in, objects or errors (each naming its document) out.
 */
export type ParsedManifests =
  | { ok: true; objects: Record<string, unknown>[] }
  | { ok: false; errors: FieldError[]; /** More documents than one apply may carry (413). */ tooMany?: true };

/** How many objects one apply may carry unless API_MAX_APPLY_DOCUMENTS says otherwise. */
export const DEFAULT_MAX_APPLY_DOCUMENTS = 500;

/**
 * YAML or JSON manifests -> objects. The document count is checked on the raw text, before the
 * YAML parser builds anything: a body of a million `---` lines is refused, not parsed into a
 * million documents (1 GB).
 */
export function parseManifests(body: unknown, maxDocuments = DEFAULT_MAX_APPLY_DOCUMENTS): ParsedManifests {
  if (body !== null && typeof body === 'object') return bounded(flatten([body], []), maxDocuments);
  if (typeof body !== 'string' || body.trim() === '')
    return { ok: false, errors: [{ code: 'invalid', field: '', message: 'the body holds no manifest' }] };
  const separators = countSeparators(body);
  // Each document but the first starts with `---`: more separators than documents allowed is too many.
  if (separators > maxDocuments) return tooMany(separators, maxDocuments);
  const errors: FieldError[] = [];
  const docs: unknown[] = [];
  parseAllDocuments(body).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        errors.push({ code: 'invalid', field: `documents[${i}]`, message: e.message.split('\n')[0] });
      return;
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) docs.push(value);
  });
  if (errors.length > 0) return { ok: false, errors };
  return bounded(flatten(docs, errors), maxDocuments);
}

/** Lines that start a YAML document (`---`), counted in one pass. */
function countSeparators(text: string): number {
  let count = 0;
  let at = text.startsWith('---') ? 0 : text.indexOf('\n---');
  while (at >= 0) {
    count++;
    at = text.indexOf('\n---', at + 1);
  }
  return count;
}

function bounded(parsed: ParsedManifests, maxDocuments: number): ParsedManifests {
  return parsed.ok && parsed.objects.length > maxDocuments
    ? tooMany(parsed.objects.length, maxDocuments)
    : parsed;
}

function tooMany(count: number, maxDocuments: number): ParsedManifests {
  return {
    ok: false,
    tooMany: true,
    errors: [
      {
        code: 'invalid',
        field: '',
        message: `${count} documents in one apply; at most ${maxDocuments} (API_MAX_APPLY_DOCUMENTS): split the file`,
      },
    ],
  };
}

function flatten(docs: unknown[], errors: FieldError[]): ParsedManifests {
  const objects: Record<string, unknown>[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push({
        code: 'invalid',
        field: `documents[${i}]`,
        message: 'must be an object with apiVersion, kind and metadata',
      });
      return;
    }
    const o = doc as Record<string, unknown>;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      o.items.forEach((item, j) => {
        if (item !== null && typeof item === 'object' && !Array.isArray(item))
          objects.push(item as Record<string, unknown>);
        else
          errors.push({
            code: 'invalid',
            field: `documents[${i}].items[${j}]`,
            message: 'must be an object',
          });
      });
    } else objects.push(o);
  });
  if (errors.length > 0) return { ok: false, errors };
  if (objects.length === 0)
    return { ok: false, errors: [{ code: 'invalid', field: '', message: 'the body holds no manifest' }] };
  return { ok: true, objects };
}

/** `Kind/namespace/name` for error messages, with what is known of it. */
export function describeObject(o: Record<string, unknown>, defaultNamespace: string): string {
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  return `${String(o.kind ?? '?')}/${String(meta.namespace ?? defaultNamespace)}/${String(meta.name ?? '?')}`;
}
