/**
 * One audit event as an audit device receives it (a JSON line; a syslog message's body). `id` is
 * unique and stable (`<writer>:<commit-order number>`): a receiver that sees it twice after a
 * restart (delivery is at least once) drops the second. Never key material: the rows exported hold
 * fingerprints, serials and hashes only.
 */
export interface ExportedEvent {
  id: string;
  /** The service whose record this is: `secret-watcher`, `ca`. */
  writer: string;
  /** ISO time the row was recorded. */
  at: string;
  kind: string;
  /** The rest of the row, as the record holds it (hash chain fields included). */
  [field: string]: unknown;
}

/** The event as one line of JSON (no newline inside: JSON escapes them). */
export function eventLine(e: ExportedEvent): string {
  return JSON.stringify(e);
}
