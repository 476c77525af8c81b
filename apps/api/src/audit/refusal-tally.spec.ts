import { MAX_TALLIED_ACTORS, RefusalTally, type RequestLogEntry } from './refusal-tally.js';

const refusal = (actor: string, status: number, method = 'GET'): RequestLogEntry => ({
  actor,
  method,
  path: `/v1/namespaces/x/secrets`,
  status,
  durationMs: 1,
});

describe('RefusalTally', () => {
  it.each([
    [
      'one actor, one status',
      [refusal('anonymous', 401), refusal('anonymous', 401)],
      ['anonymous 401 GET x2'],
    ],
    [
      'statuses and methods apart',
      [refusal('anonymous', 401), refusal('anonymous', 429), refusal('anonymous', 401, 'POST')],
      ['anonymous 401 GET x1', 'anonymous 429 GET x1', 'anonymous 401 POST x1'],
    ],
    [
      'actors apart',
      [refusal('token:a', 429), refusal('token:b', 429), refusal('token:a', 429)],
      ['token:a 429 GET x2', 'token:b 429 GET x1'],
    ],
  ])('%s', (_what, entries, rows) => {
    const t = new RefusalTally();
    for (const e of entries) t.add(e);
    expect(t.drain().map((r) => `${r.actor} ${r.status} ${r.method} x${r.count}`)).toEqual(rows);
    expect(t.drain()).toEqual([]);
  });

  it('bounds its memory: past the actor cap, new actors count as overflow', () => {
    const t = new RefusalTally();
    for (let i = 0; i < MAX_TALLIED_ACTORS + 500; i++) t.add(refusal(`token:${i}`, 429));
    t.add(refusal('token:0', 429));
    const rows = t.drain();
    expect(rows).toHaveLength(MAX_TALLIED_ACTORS + 1);
    expect(rows.find((r) => r.actor === 'overflow')?.count).toBe(500);
    expect(rows.find((r) => r.actor === 'token:0')?.count).toBe(2);
  });
});
