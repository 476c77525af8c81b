import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[REDACTED PRIVATE KEY]';

/**
 * A PEM private key that never shows itself: JSON.stringify, util.inspect, String(), template
 * literals and pino all see a redaction marker. Only `reveal()` returns the PEM, and only code that
 * hands the key to TLS or to the envelope should call it.
 */
export class PrivateKeyPem {
  readonly #pem: string;

  constructor(pem: string) {
    this.#pem = pem;
  }

  reveal(): string {
    return this.#pem;
  }

  /** SHA-256 of the PEM: safe to log and to compare, never reversible. */
  digest(): string {
    return createHash('sha256').update(this.#pem).digest('hex');
  }

  equals(other: PrivateKeyPem): boolean {
    return other.reveal() === this.#pem;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const REDACTION_MARKER = REDACTED;

const PEM_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;

/** Replaces any PEM private key inside free text (error messages, log lines). */
export function redactKeyMaterial(text: string): string {
  return text.replace(PEM_KEY, REDACTED);
}

export function containsPrivateKeyPem(text: string): boolean {
  PEM_KEY.lastIndex = 0;
  const found = PEM_KEY.test(text);
  PEM_KEY.lastIndex = 0;
  return found;
}
