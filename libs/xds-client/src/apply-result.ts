import type { ApplyResult } from './ads-client.js';

/**
 * One verdict for a response that several data planes applied (a gateway's workers): ACK only when
 * every one applied it, else NACK with each distinct reason once, in the order first given.
 */
export function combineApplyResults(results: readonly ApplyResult[]): ApplyResult {
  const reasons: string[] = [];
  for (const r of results) if (!r.ok && !reasons.includes(r.message)) reasons.push(r.message);
  if (results.length === 0) return { ok: false, message: 'no data plane applied the update' };
  return reasons.length === 0 ? { ok: true } : { ok: false, message: reasons.join('; ') };
}
