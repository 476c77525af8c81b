/**
 * When a supervised service that exited on its own is started again, as docker-compose's restart
 * policy or a Kubernetes Deployment would: 0.5 s after the first crash, doubling to at most 10 s
 * while it keeps crashing; a run that stayed up for a minute counts as healthy and resets the
 * backoff. Pure: the supervisor feeds it exits and asks for delays.
 */
export const RESTART_INITIAL_MS = 500;
export const RESTART_MAX_MS = 10_000;
export const HEALTHY_AFTER_MS = 60_000;

export class RestartPolicy {
  #consecutive = 0;
  #restarts = 0;

  /** A process that started at `startedAt` exited at `exitedAt`: how long to wait before the next start. */
  onExit(startedAt: number, exitedAt: number): number {
    if (exitedAt - startedAt >= HEALTHY_AFTER_MS) this.#consecutive = 0;
    const delay = Math.min(RESTART_MAX_MS, RESTART_INITIAL_MS * 2 ** this.#consecutive);
    this.#consecutive++;
    this.#restarts++;
    return delay;
  }

  /** Restarts so far (kubectl's RESTARTS column). */
  get restarts(): number {
    return this.#restarts;
  }
}
