import type { ExportedEvent } from './exported-event.js';
import { eventLine } from './exported-event.js';

/** RFC 5424 facilities keyway can log under (section 6.2.1). */
export const SYSLOG_FACILITIES = { auth: 4, authpriv: 10, local0: 16, local7: 23 } as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/** Severity 6, informational: every record is a fact, none an alarm. */
const INFORMATIONAL = 6;

/** PRINTUSASCII without space, at most `max` characters, `-` when empty (RFC 5424 section 6). */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

export interface SyslogHeader {
  facility: SyslogFacility;
  hostname: string;
  appName: string;
  procId: string;
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`, where MSGID is the
 * event's kind and MSG its JSON line (UTF-8, after the BOM the RFC asks for).
 */
export function syslogMessage(e: ExportedEvent, h: SyslogHeader): string {
  const pri = SYSLOG_FACILITIES[h.facility] * 8 + INFORMATIONAL;
  return [
    `<${pri}>1`,
    e.at,
    headerField(h.hostname, 255),
    headerField(h.appName, 48),
    headerField(h.procId, 128),
    headerField(e.kind, 32),
    '-',
    `\ufeff${eventLine(e)}`,
  ].join(' ');
}

/** RFC 6587 octet counting, for syslog over TCP: `<length> <message>`, length in bytes. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
