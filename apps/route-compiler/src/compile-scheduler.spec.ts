import { CompileScheduler, type SchedulerTimers } from './compile-scheduler.js';

/** A manual clock: timers fire only when the test advances time. */
class ManualTimers implements SchedulerTimers {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
    for (const [id, p] of [...this.pending]) {
      if (p.at <= this.t) {
        this.pending.delete(id);
        p.fn();
      }
    }
  }
}

describe('CompileScheduler', () => {
  it('waits for quiet, then runs once', async () => {
    const timers = new ManualTimers();
    let runs = 0;
    const s = new CompileScheduler(() => void runs++, { debounceMs: 50, maxWaitMs: 500 }, timers);
    s.schedule();
    timers.advance(30);
    s.schedule();
    timers.advance(30);
    expect(runs).toBe(0);
    timers.advance(20);
    await s.idle();
    expect(runs).toBe(1);
  });

  it('runs by the max wait even while changes keep coming', async () => {
    const timers = new ManualTimers();
    let runs = 0;
    const s = new CompileScheduler(() => void runs++, { debounceMs: 50, maxWaitMs: 120 }, timers);
    for (let i = 0; i < 5; i++) {
      s.schedule();
      timers.advance(40);
    }
    await s.idle();
    expect(runs).toBe(1);
    expect(timers.now()).toBe(200);
  });

  it('runs again after a run when a change arrived during it, never overlapping', async () => {
    const timers = new ManualTimers();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const s = new CompileScheduler(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active--;
      },
      { debounceMs: 10, maxWaitMs: 100 },
      timers,
    );
    s.schedule();
    timers.advance(10);
    s.schedule();
    release();
    await s.idle();
    timers.advance(10);
    await s.idle();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });
});
