import { randomUUID } from 'node:crypto';
import { FencedError, openServiceDatabase, type DataSource } from '#keyway/persistence';
import { createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import { IssuanceRecorder, type DecisionRecord } from './issuance-recorder.js';
import { CA_MIGRATIONS } from './migrations/index.js';

describe('ca records are fenced by the lease token', () => {
  let db: ThrowawayDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createThrowawayDatabase('keyway_ca_fence');
    ds = await openServiceDatabase({ url: db.url, schema: 'ca', entities: [], migrations: CA_MIGRATIONS });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const decision = (note: string): DecisionRecord => ({
    id: randomUUID(),
    at: new Date(),
    action: 'issue',
    actor: { kind: 'user', name: note },
    team: null,
    issuer: 'root',
    allowed: false,
    policy: null,
    reasons: [note],
    request: {},
    serial: null,
  });

  it('a replica whose token is older than the last writer records nothing more, and is told so', async () => {
    const fenced: string[] = [];
    const recorder = (token: number, name: string) =>
      new IssuanceRecorder(ds, 1000, { fence: { role: 'ca', token, onFenced: () => fenced.push(name) } });
    const oldLeader = recorder(5, 'old');
    const newLeader = recorder(9, 'new');
    await oldLeader.record(decision('first'));
    await newLeader.record(decision('by the new leader'));
    await expect(oldLeader.record(decision('too late'))).rejects.toBeInstanceOf(FencedError);
    expect(fenced).toEqual(['old']);
    const rows = (await ds.query(`SELECT actor->>'name' AS name FROM policy_decisions ORDER BY seq`)) as {
      name: string;
    }[];
    expect(rows.map((r) => r.name)).toEqual(['first', 'by the new leader']);
  });
});
