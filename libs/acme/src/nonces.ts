import { acmeError } from './problem.js';

/**
 * Anti-replay nonces (RFC 8555 §6.5): each issued once, redeemed once, refused after `ttlMs` or
 * once `capacity` newer ones are outstanding (the oldest are forgotten first, so a client that
 * fetches nonces without using them cannot grow memory). The randomness and the clock come from
 * the caller.
 */
export class NonceBook {
  /** Insertion-ordered: the first entries are the oldest. */
  readonly #issued = new Map<string, number>();

  constructor(
    private readonly options: { capacity: number; ttlMs: number; now: () => number; random: () => string },
  ) {}

  get size(): number {
    return this.#issued.size;
  }

  issue(): string {
    const nonce = this.options.random();
    this.#issued.set(nonce, this.options.now() + this.options.ttlMs);
    while (this.#issued.size > this.options.capacity) {
      const oldest = this.#issued.keys().next().value as string;
      this.#issued.delete(oldest);
    }
    return nonce;
  }

  /** Uses a nonce up; badNonce when it was never issued, already used, forgotten or expired. */
  redeem(nonce: string): void {
    if (!NONCE_FORMAT.test(nonce)) throw acmeError('badNonce', 'JWS nonce: not a nonce this server issued');
    const expires = this.#issued.get(nonce);
    if (expires === undefined)
      throw acmeError('badNonce', 'JWS nonce: unknown or already used; get a new one');
    this.#issued.delete(nonce);
    if (expires < this.options.now()) throw acmeError('badNonce', 'JWS nonce: expired; get a new one');
  }
}

/** RFC 8555 §6.5.1: base64url, at least 128 bits; keyway's are 16 random bytes. */
export const NONCE_FORMAT = /^[A-Za-z0-9_-]{22,64}$/;
