import { acmeError } from '#keyway/acme';

/**
 * Validations run in the background, at most `concurrency` at once and at most `capacity` waiting or
 * running: a client that answers many challenges at once is told to retry (rateLimited) rather than
 * growing the api's work without bound. `idle()` waits for everything started (shutdown, tests).
 */
export class ValidationQueue {
  #reserved = 0;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #all = new Set<Promise<void>>();

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Claims a place before the challenge is marked processing. */
  reserve(): void {
    if (this.#reserved >= this.capacity)
      throw acmeError('rateLimited', `${this.capacity} validations are already under way; retry shortly`);
    this.#reserved++;
  }

  release(): void {
    this.#reserved--;
  }

  /** Runs `task` in the reserved place once a slot is free; answers its result (undefined if it threw). */
  run<T>(task: () => Promise<T>): Promise<T | undefined> {
    const p = (async () => {
      if (this.#running >= this.concurrency) await new Promise<void>((r) => this.#waiting.push(r));
      this.#running++;
      try {
        return await task();
      } catch (e) {
        this.onError(e as Error);
        return undefined;
      } finally {
        this.#running--;
        this.#reserved--;
        this.#waiting.shift()?.();
      }
    })();
    const tracked = p.then(() => undefined);
    this.#all.add(tracked);
    void tracked.finally(() => this.#all.delete(tracked));
    return p;
  }

  async idle(): Promise<void> {
    while (this.#all.size > 0) await Promise.all([...this.#all]);
  }
}
