/**
 * Per-token rate limits: a token bucket per caller, in memory (one api replica's view; a
 * cluster-wide limit would need shared state). Pure apart from the clock it is given.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until one request would be allowed. */
  retryAfterSeconds: number;
  remaining: number;
}

export class TokenBucketLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  take(key: string): RateLimitDecision {
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
    b.at = t;
    this.#buckets.set(key, b);
    if (this.#buckets.size > 10_000) this.#evictFull(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(b.tokens) };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((1 - b.tokens) / this.ratePerSecond),
      remaining: 0,
    };
  }

  /** Buckets that have refilled carry no information: drop them to bound memory. */
  #evictFull(t: number): void {
    for (const [k, b] of this.#buckets)
      if (b.tokens + ((t - b.at) / 1000) * this.ratePerSecond >= this.burst) this.#buckets.delete(k);
  }
}
