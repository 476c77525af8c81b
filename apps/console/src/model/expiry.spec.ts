import { expiryBucket, expiryCounts, expiryTimeline } from './expiry.js';

const DAY = 86_400_000;
const now = Date.parse('2026-12-04T12:00:00Z');

describe('expiryBucket', () => {
  it.each([
    [undefined, 'no-certificate'],
    [now - 1, 'expired'],
    [now, 'expired'],
    [now + 1, 'within-7-days'],
    [now + 7 * DAY, 'within-7-days'],
    [now + 7 * DAY + 1, 'within-30-days'],
    [now + 30 * DAY, 'within-30-days'],
    [now + 30 * DAY + 1, 'later'],
  ])('%s -> %s', (notAfter, bucket) => {
    expect(expiryBucket(notAfter, now)).toBe(bucket);
  });
});

describe('expiryCounts', () => {
  it('counts 30 days including the 7-day ones, expired apart', () => {
    expect(expiryCounts([now - DAY, now + DAY, now + 10 * DAY, now + 90 * DAY, undefined], now)).toEqual({
      expired: 1,
      within7Days: 1,
      within30Days: 2,
      total: 5,
    });
  });
});

describe('expiryTimeline', () => {
  it('one bar per day from today (in seconds), expired ones on day 0, later ones left out', () => {
    const [xs, ys] = expiryTimeline(
      [now - 5 * DAY, now + DAY, now + DAY + 60_000, now + 3 * DAY, now + 9 * DAY, undefined],
      now,
      4,
    );
    const start = Date.parse('2026-12-04T00:00:00Z') / 1000;
    expect(xs).toEqual([start, start + 86_400, start + 2 * 86_400, start + 3 * 86_400]);
    expect(ys).toEqual([1, 2, 0, 1]);
  });
});
