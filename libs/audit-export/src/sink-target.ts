import { SYSLOG_FACILITIES, type SyslogFacility } from './syslog-message.js';

/** Where an audit device writes (AUDIT_SINK). */
export type SinkTarget =
  | { kind: 'file'; path: string }
  | { kind: 'stdout' }
  | { kind: 'syslog'; transport: 'udp' | 'tcp'; host: string; port: number; facility: SyslogFacility }
  | { kind: 'nats'; subject: string };

export const SINK_FORMS =
  'file:/path/events.jsonl, stdout, syslog+udp://host:port, syslog+tcp://host:port (?facility=auth|authpriv|local0|local7), nats:<subject under keyway.audit.export.>';

/** Parses AUDIT_SINK; the error names the variable and the forms it takes. */
export function parseSinkTarget(spec: string): SinkTarget {
  const fail = (why: string): never => {
    throw new Error(`AUDIT_SINK: ${why}; one of ${SINK_FORMS}`);
  };
  if (spec === 'stdout') return { kind: 'stdout' };
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    if (!path.startsWith('/')) fail(`${JSON.stringify(spec)}: the file path must be absolute`);
    return { kind: 'file', path };
  }
  if (spec.startsWith('nats:')) {
    const subject = spec.slice('nats:'.length);
    if (!/^keyway\.audit\.export(\.[A-Za-z0-9_-]+)+$/.test(subject))
      fail(`${JSON.stringify(spec)}: the subject must be under keyway.audit.export. (no wildcards)`);
    return { kind: 'nats', subject };
  }
  if (spec.startsWith('syslog+udp://') || spec.startsWith('syslog+tcp://')) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      return fail(`${JSON.stringify(spec)} is not a URL`);
    }
    const port = Number(url.port);
    if (!url.hostname || !Number.isInteger(port) || port < 1)
      fail(`${JSON.stringify(spec)}: a host and port are required`);
    const facility = url.searchParams.get('facility') ?? 'auth';
    if (!(facility in SYSLOG_FACILITIES))
      fail(`${JSON.stringify(spec)}: unknown facility ${JSON.stringify(facility)}`);
    return {
      kind: 'syslog',
      transport: spec.startsWith('syslog+udp://') ? 'udp' : 'tcp',
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      facility: facility as SyslogFacility,
    };
  }
  return fail(`${JSON.stringify(spec)} is not a sink`);
}
