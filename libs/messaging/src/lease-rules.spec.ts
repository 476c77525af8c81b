import {
  decideLease,
  leaseWritten,
  shouldHandOver,
  type LeaseObservation,
  type LeaseState,
} from './lease-rules.js';

const o = { holder: 'b', ttlMs: 3000 };
const other = (revision: number): LeaseObservation => ({ revision, record: { holder: 'a' } });
const standby: LeaseState = { role: 'standby' };
const leader = (sentAt: number, revision = 10): LeaseState => ({
  role: 'leader',
  token: 7,
  revision,
  sentAt,
});

describe('lease rules: a standby', () => {
  it.each<[string, LeaseState, LeaseObservation, number, string]>([
    ['creates the entry when none exists', standby, { revision: 3 }, 0, 'create'],
    [
      'takes back its own record at once (it restarted)',
      standby,
      { revision: 3, record: { holder: 'b' } },
      0,
      'update 3 take-over',
    ],
    ['waits, starting its clock, on a revision it has not seen', standby, other(5), 0, 'wait'],
    [
      'waits while the revision is younger than the ttl on its own clock',
      { role: 'standby', seen: { revision: 5, since: 1000 } },
      other(5),
      3999,
      'wait',
    ],
    [
      'takes over once the revision has not moved for the ttl',
      { role: 'standby', seen: { revision: 5, since: 1000 } },
      other(5),
      4000,
      'update 5 take-over',
    ],
    [
      'starts over when the leader renews',
      { role: 'standby', seen: { revision: 5, since: 1000 } },
      other(6),
      9000,
      'wait',
    ],
    [
      'does nothing when the entry cannot be read (NATS down)',
      { role: 'standby', seen: { revision: 5, since: 0 } },
      'unreadable',
      9000,
      'wait',
    ],
  ])('%s', (_what, state, seen, now, expected) => {
    const { action } = decideLease(state, seen, now, o);
    const text = action.kind === 'update' ? `update ${action.revision} ${action.purpose}` : action.kind;
    expect(text).toBe(expected);
  });

  it('the clock restarts at a new revision: a renewal seen late still gives the leader a full ttl', () => {
    const first = decideLease({ role: 'standby', seen: { revision: 5, since: 0 } }, other(6), 2900, o);
    expect(first.state).toEqual({ role: 'standby', seen: { revision: 6, since: 2900 } });
    expect(decideLease(first.state, other(6), 5899, o).action.kind).toBe('wait');
    expect(decideLease(first.state, other(6), 5900, o).action.kind).toBe('update');
  });
});

describe('lease rules: a leader', () => {
  it.each<[string, LeaseState, LeaseObservation, number, string]>([
    ['waits between renewals', leader(1000), { revision: 10, record: { holder: 'b' } }, 1999, 'wait'],
    [
      'renews a third of the ttl after its last renewal was sent',
      leader(1000),
      { revision: 10, record: { holder: 'b' } },
      2000,
      'update 10 renew',
    ],
    [
      'keeps renewing while NATS cannot be read, inside the ttl',
      leader(1000),
      'unreadable',
      3000,
      'update 10 renew',
    ],
    ['steps down when another replica wrote the entry', leader(1000), other(11), 1001, 'step-down'],
    ['steps down when the entry was deleted under it', leader(1000), { revision: 11 }, 1001, 'step-down'],
    [
      'steps down before a standby may take over: ttl minus the margin after the last renewal was sent',
      leader(1000),
      'unreadable',
      3500,
      'step-down',
    ],
  ])('%s', (_what, state, seen, now, expected) => {
    const { action } = decideLease(state, seen, now, o);
    const text = action.kind === 'update' ? `update ${action.revision} ${action.purpose}` : action.kind;
    expect(text).toBe(expected);
  });

  it('stops before any standby can start, whatever the two clocks read', () => {
    // The leader sends its renewal at 1000 (its clock); the revision exists no earlier than that, so a
    // standby that sees it at once can take over at 1000 + ttl on a clock running at the same rate.
    const stopsAt = [...Array(4000).keys()].find(
      (t) => decideLease(leader(1000), 'unreadable', 1000 + t, o).action.kind === 'step-down',
    )!;
    expect(stopsAt).toBeLessThan(o.ttlMs);
  });
});

describe('lease rules: writes', () => {
  it('a standby whose write succeeded leads, with that revision as its fencing token', () => {
    expect(leaseWritten(standby, { ok: true, revision: 42, sentAt: 5 })).toEqual({
      role: 'leader',
      token: 42,
      revision: 42,
      sentAt: 5,
    });
  });

  it('a renewal keeps the token and moves the revision', () => {
    expect(leaseWritten(leader(0), { ok: true, revision: 11, sentAt: 1000 })).toEqual({
      role: 'leader',
      token: 7,
      revision: 11,
      sentAt: 1000,
    });
  });

  it('a refused renewal is a lost lease; a refused take-over leaves a standby waiting', () => {
    expect(leaseWritten(leader(0), { ok: false })).toMatchObject({ role: 'stepped-down' });
    expect(leaseWritten(standby, { ok: false })).toEqual(standby);
  });
});

describe('lease rules: handing over when the leader cannot reach its store', () => {
  it.each([
    ['healthy leader', {}, false],
    ['unhealthy for a moment only', { unhealthySince: 9000, standbyHealthySeenAt: 9900 }, false],
    [
      'unhealthy for half the ttl, a standby healthy just now',
      { unhealthySince: 8500, standbyHealthySeenAt: 9900 },
      true,
    ],
    [
      'unhealthy, but no standby has been healthy lately (an outage for all)',
      { unhealthySince: 0, standbyHealthySeenAt: 6000 },
      false,
    ],
    ['unhealthy, no standby at all', { unhealthySince: 0 }, false],
  ] as const)('%s', (_what, health, handOver) => {
    expect(shouldHandOver(10_000, o, health)).toBe(handOver);
  });
});
