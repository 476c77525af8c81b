import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import {
  decideLease,
  leaseWritten,
  renewIntervalMs,
  shouldHandOver,
  type LeaseObservation,
  type LeaseOptions,
  type LeaseRecord,
  type LeaseState,
} from './lease-rules.js';

export interface Leadership {
  /** The revision that made this replica leader: greater than any earlier leader's (fencing). */
  token: number;
  /** Settles with the reason when this replica stops leading (then it must stop acting at once). */
  lost: Promise<string>;
  /** Stop renewing and delete the entry, so a standby takes over without waiting for the ttl. */
  release(): Promise<void>;
  /** Stop leading without touching the entry (a fenced write showed a newer leader). */
  abandon(reason: string): void;
}

export interface LeaderLeaseOptions extends LeaseOptions {
  bucket: KV;
  /** One key per role (`secret-watcher`, ...). */
  key: string;
  logger: Logger;
  /** How often a standby reads the entry (default ttl/12): the take-over delay beyond the ttl. */
  pollMs?: number;
  /** Called once, when this replica first finds another leading (it is a standby from then on). */
  onStandby?: (holder: string) => void;
  /**
   * Can this replica reach what the role writes to (Postgres)? Standbys that can report it; a leader
   * that cannot hands over to one that can (lease-rules.ts shouldHandOver).
   */
  probe?: () => Promise<boolean>;
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isConflict(e: unknown): boolean {
  return (
    e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamWrongLastSequence ||
      e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/**
 * Waits until this replica leads `key`, then keeps the lease renewed until it is lost or released.
 * The decisions are lease-rules.ts's; this file only reads and writes the KV entry.
 */
export async function acquireLeadership(o: LeaderLeaseOptions): Promise<Leadership> {
  const poll = o.pollMs ?? Math.max(10, Math.floor(o.ttlMs / 12));
  const record: LeaseRecord = { holder: o.holder };
  let state: LeaseState = { role: 'standby' };
  let loggedWaiting = false;
  // Store reachability (o.probe): this replica's, and when a standby's report was last seen to change.
  const healthPrefix = `${o.key}.health.`;
  const ownHealthKey = `${healthPrefix}${Buffer.from(o.holder).toString('base64url')}`;
  const health: { unhealthySince?: number; standbyHealthySeenAt?: number } = {};
  const seenReports = new Map<string, number>();
  let probedAt = -Infinity;
  const probeNow = async (): Promise<boolean | undefined> => {
    if (!o.probe || now() - probedAt < renewIntervalMs(o)) return undefined;
    probedAt = now();
    return Promise.race([
      o.probe().catch(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), renewIntervalMs(o)).unref()),
    ]);
  };
  /** Standby: report that this replica could take over. */
  const reportHealth = async () => {
    if ((await probeNow()) === true)
      await o.bucket.put(ownHealthKey, JSON.stringify({ holder: o.holder })).catch(() => 0);
  };
  /** Leader: track its own reachability and the standbys' reports; true when it should hand over. */
  const checkHandOver = async (): Promise<boolean> => {
    const ok = await probeNow();
    if (ok === undefined) return shouldHandOver(now(), o, health);
    if (ok) health.unhealthySince = undefined;
    else health.unhealthySince ??= now();
    if (!ok) {
      const keys = await o.bucket.keys(`${healthPrefix}>`).catch(() => undefined);
      for await (const k of keys ?? []) {
        if (k === ownHealthKey) continue;
        const e = await o.bucket.get(k).catch(() => null);
        if (e && e.revision !== seenReports.get(k)) {
          if (seenReports.has(k)) health.standbyHealthySeenAt = now();
          seenReports.set(k, e.revision);
        }
      }
    }
    return shouldHandOver(now(), o, health);
  };

  const observe = async (): Promise<LeaseObservation> => {
    try {
      const e = await o.bucket.get(o.key);
      if (!e) return { revision: 0 };
      if (e.operation !== 'PUT') return { revision: e.revision };
      return { revision: e.revision, record: e.json<LeaseRecord>() };
    } catch {
      return 'unreadable';
    }
  };

  /** One round: observe, decide, write. Returns the step-down reason when leadership ends. */
  const round = async (): Promise<string | undefined> => {
    const seen = await observe();
    const decided = decideLease(state, seen, now(), o);
    state = decided.state;
    const action = decided.action;
    if (action.kind === 'step-down') return action.reason;
    if (action.kind === 'wait') {
      if (state.role === 'standby' && !loggedWaiting && seen !== 'unreadable' && seen.record) {
        loggedWaiting = true;
        o.logger.info({ lease: o.key, holder: seen.record.holder }, 'standby: another replica leads');
        o.onStandby?.(seen.record.holder);
      }
      return undefined;
    }
    const sentAt = now();
    try {
      const revision =
        action.kind === 'create'
          ? await o.bucket.create(o.key, JSON.stringify(record))
          : await o.bucket.update(o.key, JSON.stringify(record), action.revision);
      state = leaseWritten(state, { ok: true, revision, sentAt });
    } catch (e) {
      // A refused write means another replica wrote first; anything else (NATS down) changes nothing:
      // the rules decide from elapsed time whether this replica may still act.
      if (isConflict(e)) state = leaseWritten(state, { ok: false });
      else o.logger.warn({ lease: o.key, err: (e as Error).message }, 'lease write failed');
    }
    return state.role === 'stepped-down' ? state.reason : undefined;
  };

  // `state` changes inside round(): read it through a function so the narrowing is not stale.
  const current = (): LeaseState => state;
  for (let s = current(); s.role !== 'leader'; s = current()) {
    const reason = await round();
    if (reason) throw new Error(`lease ${o.key}: ${reason}`);
    if (current().role !== 'leader') {
      await reportHealth();
      await sleep(poll);
    }
  }
  const leading = current();
  const token = leading.role === 'leader' ? leading.token : 0;
  o.logger.info({ lease: o.key, token }, 'leading');

  let stopped = false;
  let resolveLost!: (reason: string) => void;
  const lost = new Promise<string>((r) => (resolveLost = r));
  const loop = (async () => {
    while (!stopped) {
      await sleep(poll);
      if (stopped) return;
      const reason = await round();
      if (reason) {
        stopped = true;
        o.logger.error({ lease: o.key, token, reason }, 'leadership lost: stopping');
        resolveLost(reason);
      } else if (await checkHandOver()) {
        stopped = true;
        const last = current();
        if (last.role === 'leader')
          await o.bucket.delete(o.key, { previousSeq: last.revision }).catch(() => undefined);
        const why = 'cannot reach its store while a standby can: handing over';
        o.logger.error({ lease: o.key, token, reason: why }, 'leadership handed over: stopping');
        resolveLost(why);
      }
    }
  })();

  return {
    token,
    lost,
    release: async () => {
      if (stopped) return;
      stopped = true;
      await loop;
      const last = current();
      if (last.role === 'leader') {
        await o.bucket.delete(o.key, { previousSeq: last.revision }).catch(() => undefined);
        o.logger.info({ lease: o.key, token }, 'lease released');
      }
      resolveLost('released');
    },
    abandon: (reason) => {
      if (stopped) return;
      stopped = true;
      o.logger.error({ lease: o.key, token, reason }, 'leadership abandoned: stopping');
      resolveLost(reason);
    },
  };
}
