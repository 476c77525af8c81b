export interface SchedulerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: SchedulerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/**
 * Runs `task` once changes stop arriving for `debounceMs`, but no later than `maxWaitMs` after the
 * first pending change, and never twice at once: a change during a run schedules another run.
 */
export class CompileScheduler {
  private timer: unknown;
  private firstPendingAt?: number;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void> | void,
    private readonly options: { debounceMs: number; maxWaitMs: number },
    private readonly timers: SchedulerTimers = realTimers,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** A change happened: (re)arm the debounce, bounded by the max wait. */
  schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = this.timers.now();
    this.firstPendingAt ??= now;
    const deadline = this.firstPendingAt + this.options.maxWaitMs;
    const delay = Math.max(0, Math.min(this.options.debounceMs, deadline - now));
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => void this.fire(), delay);
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.firstPendingAt = undefined;
    this.running = (async () => {
      try {
        await this.task();
      } catch (e) {
        this.onError(e);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.again) {
      this.again = false;
      this.schedule();
    }
  }
}
