import { formatLogLine, formatLogText } from './log-line.js';

describe('readable log lines', () => {
  it.each([
    {
      case: 'a pino line: time, level, service, message, then fields',
      line: '{"level":40,"time":1764800000000,"service":"secret-watcher","pid":7,"hostname":"h","secret":"team-a/web","source":"api","errors":1,"msg":"Secret rejected"}',
      out: '2025-12-03T22:13:20.000Z  WARN   secret-watcher  Secret rejected  secret=team-a/web  source=api  errors=1',
    },
    {
      case: 'values with spaces are quoted, objects are JSON',
      line: '{"level":30,"time":1764800000000,"service":"ca","msg":"ca ready","detail":"a b","port":{"ops":9101}}',
      out: '2025-12-03T22:13:20.000Z  INFO   ca  ca ready  detail="a b"  port={"ops":9101}',
    },
    { case: 'not JSON passes through', line: 'keyway: nats ready', out: 'keyway: nats ready' },
    { case: 'a JSON array passes through', line: '[1,2]', out: '[1,2]' },
  ])('$case', ({ line, out }) => {
    expect(formatLogLine(line)).toBe(out);
  });

  it('cuts client-sized values', () => {
    const line = JSON.stringify({ level: 30, time: 0, service: 's', msg: 'm', nack: 'x'.repeat(10_000) });
    const out = formatLogLine(line);
    expect(out.length).toBeLessThan(400);
    expect(out).toContain('...(9800 more)');
  });

  it('formats every line of a text and keeps the final newline', () => {
    const text = '{"level":50,"time":0,"service":"api","msg":"boom"}\n\n';
    expect(formatLogText(text)).toBe('1970-01-01T00:00:00.000Z  ERROR  api  boom\n\n');
  });
});
