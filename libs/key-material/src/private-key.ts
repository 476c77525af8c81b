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

const BEGIN = '-----BEGIN ';
const KEY_TRAILER = 'PRIVATE KEY-----';
/** Longest label before PRIVATE KEY (`ENCRYPTED `, `RSA `, `EC `...): anything longer is not a PEM key header. */
const MAX_LABEL = 32;

/**
 * Every PEM private key block in `text`, as [start, end) ranges, in one pass: linear in the text,
 * whatever a client sends (a regex with a lazy scan to a back-referenced END took quadratic time on
 * thousands of BEGIN lines). A BEGIN without its END runs to the next quote or the end of the text:
 * a key cut short by truncation is still key material.
 */
function privateKeyBlocks(text: string): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) return blocks;
    const labelStart = begin + BEGIN.length;
    // The header is looked for only within a label's length: a BEGIN CERTIFICATE costs O(1).
    const window = text.slice(labelStart, labelStart + MAX_LABEL + KEY_TRAILER.length);
    const at = window.indexOf(KEY_TRAILER);
    const label = at >= 0 ? window.slice(0, at) : undefined;
    if (label === undefined || !/^[A-Z ]*$/.test(label)) {
      from = labelStart;
      continue;
    }
    const endMarker = `-----END ${label}${KEY_TRAILER}`;
    const end = text.indexOf(endMarker, labelStart + at + KEY_TRAILER.length);
    if (end < 0) {
      // Cut short (truncated, or a hostile stream of headers): redact to the end of the enclosing
      // JSON string (a log line stays valid JSON; PEM bodies hold no quote) or of the text.
      const quote = text.indexOf('"', labelStart + at + KEY_TRAILER.length);
      blocks.push([begin, quote < 0 ? text.length : quote]);
      if (quote < 0) return blocks;
      from = quote;
      continue;
    }
    blocks.push([begin, end + endMarker.length]);
    // Each character is scanned by at most one END search: the next BEGIN is looked for after it.
    from = end + endMarker.length;
  }
}

/** Replaces any PEM private key inside free text (error messages, log lines). Linear time. */
export function redactKeyMaterial(text: string): string {
  if (!text.includes(BEGIN)) return text;
  const blocks = privateKeyBlocks(text);
  if (blocks.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of blocks) {
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}

export function containsPrivateKeyPem(text: string): boolean {
  return text.includes(BEGIN) && privateKeyBlocks(text).length > 0;
}
