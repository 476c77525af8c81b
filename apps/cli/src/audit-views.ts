type Obj = Record<string, any>;
type Paint = (word: string, colour: 'green' | 'red' | 'yellow') => string;

/**
 * `keyway audit verify` as lines: the chains (consistent row to row) and, when the secret-watcher
 * signs checkpoints, the chains against them (nothing cut off or rewritten since). Pure.
 */
export function auditVerifyText(r: Obj, paint: Paint): string {
  const lines: string[] = [];
  const b = r.firstBroken;
  if (b)
    lines.push(`${paint('BROKEN', 'red')}: ${b.namespace}/${b.name} revision ${b.revision}: ${b.reason}`);
  const cp = r.checkpoint as Obj | undefined;
  for (const m of (cp?.mismatches ?? []) as Obj[]) {
    const what =
      m.kind === 'truncated'
        ? `truncated: checkpointed at revision ${m.checkpointRevision}, the database ends at ${m.databaseRevision}`
        : m.kind === 'rewritten'
          ? `rewritten: revision ${m.revision} is not the row that was checkpointed`
          : `missing: checkpointed at revision ${m.checkpointRevision}, no rows in the database`;
    lines.push(`${paint('BROKEN', 'red')}: ${m.chain}: ${what}`);
  }
  for (const p of (cp?.problems ?? []) as Obj[])
    lines.push(
      `${paint('BROKEN', 'red')}: checkpoint ${p.seq}: ${p.kind}${p.reason ? ` (${p.reason})` : ''}`,
    );
  const ca = r.ca as Obj | undefined;
  if (ca?.firstBroken)
    lines.push(`${paint('BROKEN', 'red')}: CA record ${ca.firstBroken.seq}: ${ca.firstBroken.reason}`);
  if (r.ok) {
    const anchor = !cp
      ? '; no signed checkpoints (set AUDIT_CHECKPOINT_KEY_FILE)'
      : cp.seq
        ? `; matches signed checkpoint ${cp.seq} (${cp.at})`
        : '; no checkpoint yet';
    lines.push(
      `${paint('OK', 'green')}: audit chain intact (${r.checkedCredentials} credentials, ${r.checkedRows} rows)${anchor}`,
    );
    if (ca)
      lines.push(
        `${paint('OK', 'green')}: CA record chain intact (${ca.checkedRows} decisions, issuances, revocations and CRLs)`,
      );
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** `keyway audit log`: one row per event, newest first; `-o wide` adds revision and event id. */
export function auditLogView(items: Obj[], wide: boolean): { headers: string[]; rows: string[][] } {
  const headers = ['TIME', 'KIND', 'RESOURCE', 'ACTION', 'ACTOR', 'DETAIL'];
  const rows = items.map((e) => {
    const resource = e.name ? `${e.namespace}/${e.name}` : (e.namespace ?? '-');
    const detail = e.serial ? `serial ${e.serial}` : (e.detail ?? '-');
    const row = [
      String(e.at),
      String(e.kind),
      resource,
      String(e.action),
      String(e.actor),
      clip(String(detail)),
    ];
    return wide ? [...row, e.revision === undefined ? '-' : String(e.revision), String(e.id)] : row;
  });
  return { headers: wide ? [...headers, 'REVISION', 'ID'] : headers, rows };
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
