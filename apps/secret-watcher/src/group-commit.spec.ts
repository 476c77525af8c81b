import type { ChainedAuditRow } from '#keyway/secrets';
import type { ApiSecretChange } from './audit-log.js';
import type { CredentialChange } from './credential-changes.js';
import { GroupCommitQueue, type AuditedChange, type Staged } from './group-commit.js';

/** A promise settled from outside. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not reached within 1 s');
}

const audited = (name: string, revision: number): AuditedChange => ({
  change: { action: 'deleted', namespace: 'ns', name, contentHash: null } as CredentialChange,
  row: { namespace: 'ns', name, revision } as ChainedAuditRow,
});

const job = (result: string, ...changes: AuditedChange[]): (() => Staged<string>) => {
  return () => ({ rows: changes.map((c) => c.row), apiChanges: [], changes, result });
};

/** Steps that record what happens, in order; `gate` holds the next commit until released. */
function recordingSteps() {
  const events: string[] = [];
  const steps = {
    events,
    gate: undefined as Promise<void> | undefined,
    failCommit: undefined as Error | undefined,
    publishGate: new Map<string, Promise<void>>(),
    rollbacks: 0,
    checkpoint: () => () => void steps.rollbacks++,
    async commit(rows: ChainedAuditRow[], api: ApiSecretChange[]) {
      await steps.gate;
      if (steps.failCommit) throw steps.failCommit;
      events.push(`commit ${rows.map((r) => `${r.name}@${r.revision}`).join(',')} api=${api.length}`);
    },
    async publish(change: CredentialChange, row: ChainedAuditRow) {
      events.push(`start ${change.name}@${row.revision}`);
      await steps.publishGate.get(`${change.name}@${row.revision}`);
      events.push(`done ${change.name}@${row.revision}`);
    },
  };
  return steps;
}

describe('GroupCommitQueue', () => {
  it('jobs that wait during a commit commit together, in order, and publish only afterwards', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const gate = deferred();
    steps.gate = gate.promise;
    const first = queue.enqueue(job('first', audited('a', 1)));
    const second = queue.enqueue(job('second', audited('b', 1)));
    const third = queue.enqueue(job('third', audited('a', 2)));
    gate.resolve();
    expect(await Promise.all([first, second, third])).toEqual(['first', 'second', 'third']);
    // The first job was already being committed when the others arrived: two transactions, the
    // second committed while the first publishes.
    expect(steps.events).toEqual([
      'commit a@1 api=0',
      'start a@1',
      'commit b@1,a@2 api=0',
      'done a@1',
      'start b@1',
      'start a@2',
      'done b@1',
      'done a@2',
    ]);
  });

  it("publishes a credential's versions in order and different credentials at the same time", async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const gate = deferred();
    steps.gate = gate.promise;
    const slow = deferred();
    steps.publishGate.set('a@1', slow.promise);
    // The first job drains alone; everything enqueued after it waits and forms the next group.
    void queue.enqueue(job('first'));
    const results = [
      queue.enqueue(job('a1', audited('a', 1))),
      queue.enqueue(job('a2', audited('a', 2))),
      queue.enqueue(job('b1', audited('b', 1))),
    ];
    gate.resolve();
    await results[2];
    // b went while a@1 was still in flight; a@2 waits for a@1.
    expect(steps.events.slice(-3)).toEqual(['start a@1', 'start b@1', 'done b@1']);
    slow.resolve();
    await Promise.all(results);
    expect(steps.events.slice(-3)).toEqual(['done a@1', 'start a@2', 'done a@2']);
  });

  it('commits the next group while the previous one publishes, and publishes it only afterwards', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const slow = deferred();
    steps.publishGate.set('a@1', slow.promise);
    const first = queue.enqueue(job('first', audited('a', 1)));
    await waitUntil(() => steps.events.includes('start a@1'));
    const later = [queue.enqueue(job('a2', audited('a', 2))), queue.enqueue(job('b1', audited('b', 1)))];
    // The second group's transaction does not wait behind the first group's KV writes...
    await waitUntil(() => steps.events.includes('commit a@2,b@1 api=0'));
    expect(steps.events).toEqual(['commit a@1 api=0', 'start a@1', 'commit a@2,b@1 api=0']);
    // ...but nothing of it is published before the first group is: a@2 never lands before a@1.
    slow.resolve();
    expect(await Promise.all([first, ...later])).toEqual(['first', 'a2', 'b1']);
    expect(steps.events.slice(3)).toEqual(['done a@1', 'start a@2', 'start b@1', 'done a@2', 'done b@1']);
  });

  it('a group with work after it is published before the next group is staged', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const slow = deferred();
    steps.publishGate.set('a@1', slow.promise);
    const first = queue.enqueue(job('first', audited('a', 1)), async () => void steps.events.push('after'));
    await waitUntil(() => steps.events.includes('start a@1'));
    const staged: string[] = [];
    const second = queue.enqueue(() => {
      staged.push('second');
      return job('second', audited('b', 1))();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(staged).toEqual([]);
    slow.resolve();
    await Promise.all([first, second]);
    expect(steps.events).toEqual([
      'commit a@1 api=0',
      'start a@1',
      'done a@1',
      'after',
      'commit b@1 api=0',
      'start b@1',
      'done b@1',
    ]);
  });

  it('a commit that fails for good rolls the state back and fails every job of its group', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    steps.failCommit = new Error('permission denied for table audit_log');
    const a = queue.enqueue(job('a', audited('a', 1)));
    await expect(a).rejects.toThrow('permission denied');
    expect(steps.rollbacks).toBe(1);
    expect(steps.events).toEqual([]);
    steps.failCommit = undefined;
    expect(await queue.enqueue(job('b', audited('b', 1)))).toBe('b');
  });

  it('a job whose staging throws fails alone', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const gate = deferred();
    steps.gate = gate.promise;
    void queue.enqueue(job('first'));
    const bad = queue.enqueue(() => {
      throw new Error('cannot stage');
    });
    const good = queue.enqueue(job('good', audited('a', 1)));
    gate.resolve();
    await expect(bad).rejects.toThrow('cannot stage');
    expect(await good).toBe('good');
  });

  it('runs `after` once the job is published, before it settles', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    await queue.enqueue(job('x', audited('a', 1)), async () => void steps.events.push('after'));
    expect(steps.events.slice(-2)).toEqual(['done a@1', 'after']);
  });

  it('stop finishes the group in progress, rejects the jobs still waiting and refuses new ones', async () => {
    const steps = recordingSteps();
    const queue = new GroupCommitQueue(steps);
    const gate = deferred();
    steps.gate = gate.promise;
    const inProgress = queue.enqueue(job('in progress', audited('a', 1)));
    const waiting = queue.enqueue(job('waiting', audited('b', 1)));
    const stopped = queue.stop();
    gate.resolve();
    await stopped;
    expect(await inProgress).toBe('in progress');
    await expect(waiting).rejects.toThrow('secret-watcher is stopping');
    await expect(queue.enqueue(job('late'))).rejects.toThrow('secret-watcher is stopping');
  });
});
