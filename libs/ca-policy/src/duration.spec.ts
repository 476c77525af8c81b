import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['2160h', 2160 * 3600],
    ['1h30m', 5400],
    ['90s', 90],
    ['1h1m1s', 3661],
    ['0s', 0],
  ])('parses %s', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each(['', '90d', '1.5h', 'h', '-1h', '1H', '1h 30m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toMatchObject({ ok: false });
  });

  it.each([
    [2160 * 3600, '2160h'],
    [5400, '1h30m'],
    [61, '1m1s'],
    [0, '0s'],
  ])('formats %s as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
