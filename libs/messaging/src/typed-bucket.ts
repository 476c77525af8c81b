import type { KV } from '@nats-io/kv';
import type { z } from 'zod';
import { validatePayload, type FieldError } from '#keyway/contracts';

export class InvalidBucketValueError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly errors: FieldError[],
  ) {
    super(`${bucket}/${key}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidBucketValueError';
  }
}

/**
 * A KV bucket whose values are one contract schema: validated on the way in and out, and a put of
 * the same bytes as the current value is skipped (state, not deltas).
 */
export class TypedBucket<S extends z.ZodType> {
  constructor(
    readonly kv: KV,
    readonly schema: S,
  ) {}

  get name(): string {
    return (this.kv as unknown as { bucket?: string }).bucket ?? 'kv';
  }

  decode(key: string, bytes: Uint8Array): z.output<S> {
    const result = validatePayload(this.schema, JSON.parse(Buffer.from(bytes).toString('utf8')));
    if (!result.ok) throw new InvalidBucketValueError(this.name, key, result.errors);
    return result.value;
  }

  async get(key: string): Promise<z.output<S> | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return this.decode(key, entry.value);
  }

  /** Returns the new revision, or undefined when the stored value is already identical. */
  async put(key: string, value: z.output<S>): Promise<number | undefined> {
    const checked = validatePayload(this.schema, value);
    if (!checked.ok) throw new InvalidBucketValueError(this.name, key, checked.errors);
    const bytes = Buffer.from(JSON.stringify(value));
    const current = await this.kv.get(key);
    if (current && current.operation === 'PUT' && Buffer.from(current.value).equals(bytes)) return undefined;
    return this.kv.put(key, bytes);
  }

  async delete(key: string): Promise<boolean> {
    const current = await this.kv.get(key);
    if (!current || current.operation !== 'PUT') return false;
    await this.kv.delete(key);
    return true;
  }

  async keys(filter = '>'): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(filter)) out.push(k);
    return out.sort();
  }
}
