export interface HealthCheckResult {
  ok: boolean;
  detail?: string;
}

export type HealthCheck = () => Promise<HealthCheckResult> | HealthCheckResult;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, HealthCheckResult>;
}

/**
 * Named dependency checks (nats, postgres, ...). Liveness asks only that the process answers;
 * readiness asks every check, with a time limit so a hung dependency reads as not ready.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.#checks.set(name, check);
  }

  async report(timeoutMs = 2000): Promise<HealthReport> {
    const checks: Record<string, HealthCheckResult> = {};
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        checks[name] = await withTimeout(Promise.resolve().then(check), timeoutMs).catch((e: unknown) => ({
          ok: false,
          detail: e instanceof Error ? e.message : String(e),
        }));
      }),
    );
    const ok = Object.values(checks).every((c) => c.ok);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
