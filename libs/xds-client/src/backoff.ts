export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per failed attempt; 2 by default. */
  multiplier?: number;
}

/**
 * Exponential back-off with full jitter, reset once a stream has delivered a response: a flapping
 * server is not hammered, and a healthy reconnect is quick.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; grows with every call until reset. */
  next(): number {
    const ceiling = Math.min(
      this.options.maxMs,
      this.options.initialMs * (this.options.multiplier ?? 2) ** this.#attempt,
    );
    this.#attempt++;
    // Never zero: at least half the ceiling, so reconnect storms spread but still wait.
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
