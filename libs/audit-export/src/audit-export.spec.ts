import { octetCounted, syslogMessage } from './syslog-message.js';
import { parseSinkTarget } from './sink-target.js';

const event = {
  id: 'secret-watcher:7',
  writer: 'secret-watcher',
  at: '2026-12-04T10:00:00.000Z',
  kind: 'credential-version',
  name: 'web',
};

describe('AUDIT_SINK', () => {
  it.each([
    ['stdout', { kind: 'stdout' }],
    ['file:/var/log/keyway/audit.jsonl', { kind: 'file', path: '/var/log/keyway/audit.jsonl' }],
    [
      'syslog+udp://127.0.0.1:514',
      { kind: 'syslog', transport: 'udp', host: '127.0.0.1', port: 514, facility: 'auth' },
    ],
    [
      'syslog+tcp://siem.example.com:6514?facility=local0',
      { kind: 'syslog', transport: 'tcp', host: 'siem.example.com', port: 6514, facility: 'local0' },
    ],
    [
      'syslog+tcp://[::1]:601',
      { kind: 'syslog', transport: 'tcp', host: '::1', port: 601, facility: 'auth' },
    ],
    ['nats:keyway.audit.export.siem', { kind: 'nats', subject: 'keyway.audit.export.siem' }],
  ])('%s', (spec, target) => expect(parseSinkTarget(spec)).toEqual(target));

  it.each([
    ['file:audit.jsonl', /the file path must be absolute/],
    ['syslog+tcp://127.0.0.1', /a host and port are required/],
    ['syslog+udp://127.0.0.1:514?facility=kern', /unknown facility "kern"/],
    ['nats:keyway.audit.export.>', /under keyway.audit.export/],
    ['nats:keyway.credentials.web', /under keyway.audit.export/],
    ['kafka://broker:9092', /is not a sink/],
  ])('refuses %s, naming the variable', (spec, why) => {
    expect(() => parseSinkTarget(spec)).toThrow(why);
    expect(() => parseSinkTarget(spec)).toThrow(/^AUDIT_SINK: .*one of file:/);
  });
});

describe('syslog framing', () => {
  const header = { facility: 'auth' as const, hostname: 'sw-0', appName: 'keyway', procId: '42' };

  it('is an RFC 5424 message: PRI, version, time, host, app, proc, MSGID, no structured data, BOM, JSON', () => {
    expect(syslogMessage(event, header)).toBe(
      '<38>1 2026-12-04T10:00:00.000Z sw-0 keyway 42 credential-version - \ufeff' + JSON.stringify(event),
    );
    expect(syslogMessage(event, { ...header, facility: 'local7' })).toMatch(/^<190>1 /);
  });

  it('keeps header fields to printable ASCII without spaces, within their lengths', () => {
    const m = syslogMessage(
      { ...event, kind: 'a b\u00e9c' },
      { ...header, hostname: '', procId: 'x'.repeat(200) },
    );
    const [, , host, , proc, msgId] = m.split(' ');
    expect(host).toBe('-');
    expect(proc).toHaveLength(128);
    expect(msgId).toBe('abc');
  });

  it('counts octets, not characters (RFC 6587)', () => {
    expect(octetCounted('h\u00e9').toString('utf8')).toBe('3 h\u00e9');
  });
});
