import { ErrorCodes, type FieldError } from './field-error.js';

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads untyped YAML values into typed fields, recording every problem with its field path instead of
 * throwing, so one pass reports all of a resource's errors.
 */
export class FieldReader {
  readonly errors: FieldError[] = [];

  constructor(readonly resource: string) {}

  fail(field: string, code: string, message: string): undefined {
    this.errors.push({ code, resource: this.resource, field, message });
    return undefined;
  }

  object(value: unknown, field: string, required = false): Obj | undefined {
    if (value === undefined || value === null) {
      return required ? this.fail(field, ErrorCodes.required, 'is required') : undefined;
    }
    if (!isObject(value)) return this.fail(field, ErrorCodes.invalidType, 'must be an object');
    return value;
  }

  string(value: unknown, field: string, required = false): string | undefined {
    if (value === undefined || value === null || value === '') {
      return required ? this.fail(field, ErrorCodes.required, 'is required') : undefined;
    }
    if (typeof value !== 'string') return this.fail(field, ErrorCodes.invalidType, 'must be a string');
    return value;
  }

  boolean(value: unknown, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.fail(field, ErrorCodes.invalidType, 'must be a boolean');
    return value;
  }

  integer(value: unknown, field: string, min: number, max: number, required = false): number | undefined {
    if (value === undefined || value === null) {
      return required ? this.fail(field, ErrorCodes.required, 'is required') : undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.fail(field, ErrorCodes.invalidType, 'must be an integer');
    }
    if (value < min || value > max) {
      return this.fail(field, ErrorCodes.invalidValue, `must be between ${min} and ${max}`);
    }
    return value;
  }

  array(value: unknown, field: string, required = false): unknown[] {
    if (value === undefined || value === null) {
      if (required) this.fail(field, ErrorCodes.required, 'is required');
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(field, ErrorCodes.invalidType, 'must be a list');
      return [];
    }
    if (required && value.length === 0) this.fail(field, ErrorCodes.required, 'must not be empty');
    return value;
  }

  stringArray(value: unknown, field: string, required = false): string[] {
    const out: string[] = [];
    this.array(value, field, required).forEach((item, i) => {
      const s = this.string(item, `${field}[${i}]`, true);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  stringMap(value: unknown, field: string): Record<string, string> {
    const obj = this.object(value, field);
    const out: Record<string, string> = {};
    if (!obj) return out;
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'string') out[k] = v;
      else this.fail(`${field}.${k}`, ErrorCodes.invalidType, 'must be a string');
    }
    return out;
  }

  oneOf<T extends string>(
    value: unknown,
    field: string,
    allowed: readonly T[],
    required = false,
  ): T | undefined {
    const s = this.string(value, field, required);
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s)) {
      return this.fail(field, ErrorCodes.invalidValue, `must be one of ${allowed.join(', ')}`);
    }
    return s as T;
  }
}
