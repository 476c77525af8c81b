import pino from 'pino';
import { backoffMs, OutageRetry } from './outage-retry.js';

const now = new Date('2030-01-02T03:04:05.000Z');
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function setup() {
  const waits: number[] = [];
  const retry = new OutageRetry({
    logger: pino({ level: 'silent' }),
    now: () => now,
    sleep: async (ms) => void waits.push(ms),
  });
  return { retry, waits };
}

describe('OutageRetry', () => {
  it('retries the audit log through a transient outage, unready meanwhile', async () => {
    const { retry, waits } = setup();
    const seen: Array<string | undefined> = [];
    let calls = 0;
    const result = await retry.auditLog(async () => {
      seen.push(retry.health().detail);
      if (++calls < 3) throw refused();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(seen).toEqual([
      undefined,
      `audit log unavailable since ${now.toISOString()}: new versions wait (connect ECONNREFUSED 127.0.0.1:5432)`,
      `audit log unavailable since ${now.toISOString()}: new versions wait (connect ECONNREFUSED 127.0.0.1:5432)`,
    ]);
    expect(waits).toEqual([50, 100]);
    expect(retry.health()).toEqual({ ok: true });
  });

  it('does not retry an audit log error that is not transient', async () => {
    const { retry } = setup();
    let calls = 0;
    await expect(
      retry.auditLog(async () => {
        calls++;
        throw Object.assign(new Error('duplicate key value'), { code: '23505' });
      }),
    ).rejects.toThrow('duplicate key value');
    expect(calls).toBe(1);
    expect(retry.health().ok).toBe(true);
  });

  it('retries a bucket write whatever the error, telling each attempt its number', async () => {
    const { retry } = setup();
    const attempts: number[] = [];
    await retry.bucket(async (attempt) => {
      attempts.push(attempt);
      if (attempt === 0) {
        throw new Error('TIMEOUT');
      }
      expect(retry.health()).toEqual({
        ok: false,
        detail: `credentials bucket unavailable since ${now.toISOString()}`,
      });
    });
    expect(attempts).toEqual([0, 1]);
    expect(retry.health()).toEqual({ ok: true });
  });

  it('gives up once stopped', async () => {
    const { retry } = setup();
    retry.stop();
    await expect(retry.auditLog(async () => Promise.reject(refused()))).rejects.toThrow('ECONNREFUSED');
    await expect(retry.bucket(async () => Promise.reject(new Error('closed')))).rejects.toThrow('closed');
  });

  it('backs off from 50 ms, doubling, to at most 2 s', () => {
    expect([0, 1, 2, 5, 6, 20].map(backoffMs)).toEqual([50, 100, 200, 1600, 2000, 2000]);
  });
});
