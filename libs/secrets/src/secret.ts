import { inspect } from 'node:util';
import type { FieldError } from '#keyway/contracts';
import { secretError } from './errors.js';

/** A Kubernetes Secret as it arrives from any source (manifest, API, Kubernetes watch). */
export interface SecretInput {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string; [key: string]: unknown };
  type?: string;
  /** Values in base64, as Kubernetes stores them. */
  data?: Record<string, string>;
  /** Values in clear; merged over `data` as the API server does. */
  stringData?: Record<string, string>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Kubernetes' rule for Secret data keys. */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A Secret with its values decoded. Values may be key material, so they live in a private field and
 * the object prints only its identity and key names.
 */
export class DecodedSecret {
  readonly #data: ReadonlyMap<string, Buffer>;

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly type: string,
    data: ReadonlyMap<string, Buffer>,
    readonly creationTimestamp?: string,
  ) {
    this.#data = data;
  }

  /** Data keys, sorted (Go's sort.Strings order: byte order). */
  keys(): string[] {
    return [...this.#data.keys()].sort(byteOrder);
  }

  has(key: string): boolean {
    return this.#data.has(key);
  }

  /** Present and non-empty (Istio's `hasValue`). */
  hasValue(key: string): boolean {
    return (this.#data.get(key)?.length ?? 0) > 0;
  }

  get(key: string): Buffer | undefined {
    return this.#data.get(key);
  }

  text(key: string): string | undefined {
    return this.#data.get(key)?.toString('utf8');
  }

  totalBytes(): number {
    let n = 0;
    for (const v of this.#data.values()) n += v.length;
    return n;
  }

  toJSON(): { namespace: string; name: string; type: string; keys: string[] } {
    return { namespace: this.namespace, name: this.name, type: this.type, keys: this.keys() };
  }

  [inspect.custom](): string {
    return `DecodedSecret(${this.namespace}/${this.name}, keys: ${this.keys().join(', ')})`;
  }
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type DecodeResult = { ok: true; secret: DecodedSecret } | { ok: false; errors: FieldError[] };

/**
 * Decodes `data` (base64) and `stringData` (clear; wins on the same key). The namespace comes from
 * the manifest, else `defaultNamespace`.
 */
export function decodeSecret(input: SecretInput, defaultNamespace = 'default'): DecodeResult {
  const name = typeof input?.metadata?.name === 'string' ? input.metadata.name : '';
  const namespace =
    typeof input?.metadata?.namespace === 'string' && input.metadata.namespace
      ? input.metadata.namespace
      : defaultNamespace;
  const errors: FieldError[] = [];
  if (!name) errors.push(secretError(namespace, '', 'metadata.name', 'invalid-manifest', 'is required'));
  if (input?.kind !== undefined && input.kind !== 'Secret') {
    errors.push(
      secretError(namespace, name, 'kind', 'invalid-manifest', `must be Secret, got ${String(input.kind)}`),
    );
  }
  const data = new Map<string, Buffer>();
  for (const [field, values] of [
    ['data', input?.data],
    ['stringData', input?.stringData],
  ] as const) {
    if (values === undefined || values === null) continue;
    if (typeof values !== 'object' || Array.isArray(values)) {
      errors.push(secretError(namespace, name, field, 'invalid-manifest', 'must be a map of strings'));
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      if (!DATA_KEY.test(key)) {
        errors.push(
          secretError(
            namespace,
            name,
            `${field}.${key}`,
            'invalid-manifest',
            'key must consist of alphanumerics, "-", "_" or "."',
          ),
        );
        continue;
      }
      if (typeof value !== 'string') {
        errors.push(secretError(namespace, name, `${field}.${key}`, 'invalid-manifest', 'must be a string'));
        continue;
      }
      if (field === 'data') {
        if (!BASE64.test(value)) {
          errors.push(secretError(namespace, name, `data.${key}`, 'invalid-base64', 'is not valid base64'));
          continue;
        }
        data.set(key, Buffer.from(value, 'base64'));
      } else {
        data.set(key, Buffer.from(value, 'utf8'));
      }
    }
  }
  if (errors.length) return { ok: false, errors };
  const created =
    typeof input.metadata.creationTimestamp === 'string' ? input.metadata.creationTimestamp : undefined;
  return { ok: true, secret: new DecodedSecret(namespace, name, input.type ?? 'Opaque', data, created) };
}
