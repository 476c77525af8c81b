import { durationMs } from './duration.js';
import type { RetryPolicy } from './envoy-shapes.js';

/** What the data plane needs to retry a request (x-envoy retry semantics, subset). */
export interface RetryDescriptor {
  /** Conditions from retry_on: `5xx`, `gateway-error`, `connect-failure`, `reset`, `retriable-status-codes`, ... */
  retryOn: string[];
  numRetries: number;
  perTryTimeoutMs?: number;
  retriableStatusCodes: number[];
  backOffBaseMs: number;
  backOffMaxMs: number;
}

export function retryDescriptor(policy: RetryPolicy | undefined): RetryDescriptor | undefined {
  if (!policy) return undefined;
  const retryOn = (policy.retry_on ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const base = durationMs(policy.retry_back_off?.base_interval) ?? 25;
  return {
    retryOn,
    // Envoy's default when num_retries is unset is one retry.
    numRetries: policy.num_retries?.value ?? 1,
    perTryTimeoutMs: positive(durationMs(policy.per_try_timeout)),
    retriableStatusCodes: [...(policy.retriable_status_codes ?? [])],
    backOffBaseMs: base,
    backOffMaxMs: durationMs(policy.retry_back_off?.max_interval) ?? base * 10,
  };
}

/** Whether an upstream outcome is one the descriptor retries. */
export function shouldRetry(
  retry: RetryDescriptor,
  outcome: { status?: number; failure?: 'connect' | 'reset' | 'timeout' },
): boolean {
  const on = new Set(retry.retryOn);
  if (outcome.failure === 'connect')
    return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error');
  if (outcome.failure === 'reset') return on.has('reset') || on.has('5xx');
  if (outcome.failure === 'timeout') return on.has('5xx') || on.has('gateway-error');
  const status = outcome.status ?? 0;
  if (on.has('5xx') && status >= 500) return true;
  if (on.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  if (on.has('retriable-status-codes') && retry.retriableStatusCodes.includes(status)) return true;
  return false;
}

/** Envoy's fully jittered exponential back-off: random in [0, min(base * 2^n, max)). */
export function retryBackOffMs(retry: RetryDescriptor, attempt: number, random: number): number {
  const ceiling = Math.min(retry.backOffBaseMs * 2 ** attempt, retry.backOffMaxMs);
  return Math.floor(ceiling * random);
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}
