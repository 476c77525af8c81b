/**
 * Leader election by lease, as pure rules over what a replica observes of one KV entry. The adapter
 * (leader-lease.ts) reads the entry, asks `decideLease`, performs the write it is told to (every write
 * is revision-checked: two replicas can never both succeed from the same observation) and reports the
 * outcome with `leaseWritten`.
 *
 * The invariant: a leader stops acting before any standby may take over.
 *  - A standby takes over only after the entry's revision has stayed the same for `ttlMs` of its own
 *    clock, counted from when it first saw that revision (never from a timestamp another machine wrote:
 *    clocks may disagree, elapsed time on each machine does not drift much).
 *  - A leader counts from when it *sent* its last successful renewal, which is before the revision
 *    existed, so before any standby could have seen it; it steps down when `ttlMs - marginMs` has
 *    passed without another success. Cut off from NATS, it stops before a standby may start.
 *  - A leader that sees any revision but its own steps down at once (another replica took over).
 *  - The revision of the write that made a replica leader is its fencing token: revisions only grow,
 *    so a newer leader always holds a greater token, and stores that check it refuse an old leader.
 */
export interface LeaseRecord {
  holder: string;
}

/** The entry as read: absent (never written, or deleted by a leader that stepped down), or a revision. */
export type LeaseObservation = { revision: number; record?: LeaseRecord } | 'unreadable';

export interface LeaseOptions {
  holder: string;
  ttlMs: number;
  /** How long before the ttl a leader stops (clock-rate differences, a slow write). Default ttl/6. */
  marginMs?: number;
}

export type LeaseState =
  | { role: 'standby'; seen?: { revision: number; since: number } }
  | { role: 'leader'; token: number; revision: number; sentAt: number }
  | { role: 'stepped-down'; reason: string };

export type LeaseAction =
  | { kind: 'wait' }
  /** Write our record if the entry is absent. */
  | { kind: 'create' }
  /** Write our record if the entry is still at `revision`. */
  | { kind: 'update'; revision: number; purpose: 'take-over' | 'renew' }
  | { kind: 'step-down'; reason: string };

export const renewIntervalMs = (o: LeaseOptions): number => Math.max(1, Math.floor(o.ttlMs / 3));

export function decideLease(
  state: LeaseState,
  seen: LeaseObservation,
  now: number,
  o: LeaseOptions,
): { state: LeaseState; action: LeaseAction } {
  const margin = o.marginMs ?? Math.floor(o.ttlMs / 6);
  if (state.role === 'stepped-down') return { state, action: { kind: 'wait' } };
  if (state.role === 'leader') {
    if (now - state.sentAt >= o.ttlMs - margin) return stepDown('the lease could not be renewed in time');
    if (seen !== 'unreadable' && seen.revision !== state.revision)
      return stepDown('another replica holds the lease');
    if (now - state.sentAt >= renewIntervalMs(o))
      return { state, action: { kind: 'update', revision: state.revision, purpose: 'renew' } };
    return { state, action: { kind: 'wait' } };
  }
  if (seen === 'unreadable') return { state, action: { kind: 'wait' } };
  if (!seen.record) return { state, action: { kind: 'create' } };
  // Our own record: this replica restarted and the old process is gone; take it back at once.
  if (seen.record.holder === o.holder)
    return { state, action: { kind: 'update', revision: seen.revision, purpose: 'take-over' } };
  if (state.seen?.revision !== seen.revision)
    return {
      state: { role: 'standby', seen: { revision: seen.revision, since: now } },
      action: { kind: 'wait' },
    };
  if (now - state.seen.since >= o.ttlMs)
    return { state, action: { kind: 'update', revision: seen.revision, purpose: 'take-over' } };
  return { state, action: { kind: 'wait' } };
}

/** The outcome of the write `decideLease` asked for: the new revision, or refused (someone else wrote). */
export function leaseWritten(
  state: LeaseState,
  result: { ok: true; revision: number; sentAt: number } | { ok: false },
): LeaseState {
  if (state.role === 'stepped-down') return state;
  if (!result.ok)
    return state.role === 'leader'
      ? { role: 'stepped-down', reason: 'another replica holds the lease' }
      : state;
  const token = state.role === 'leader' ? state.token : result.revision;
  return { role: 'leader', token, revision: result.revision, sentAt: result.sentAt };
}

function stepDown(reason: string): { state: LeaseState; action: LeaseAction } {
  return { state: { role: 'stepped-down', reason }, action: { kind: 'step-down', reason } };
}

/**
 * A leader that can reach NATS but not what it writes to (Postgres) keeps its lease, and new versions
 * wait. It hands over when that has lasted half the ttl and a standby has shown, within the last ttl
 * (on this replica's clock, from when it saw the standby's report change), that it can reach it:
 * then a standby would serve, while the leader cannot. With no healthy standby it stays: a restart
 * would not help, and an outage for everyone must not make the replicas take turns.
 */
export function shouldHandOver(
  now: number,
  o: LeaseOptions,
  health: { unhealthySince?: number; standbyHealthySeenAt?: number },
): boolean {
  if (health.unhealthySince === undefined || health.standbyHealthySeenAt === undefined) return false;
  return now - health.unhealthySince >= o.ttlMs / 2 && now - health.standbyHealthySeenAt < o.ttlMs;
}
