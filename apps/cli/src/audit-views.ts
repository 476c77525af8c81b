import type { ApiObject as Obj } from './api-client.js';
type Paint = (word: string, colour: 'green' | 'red' | 'yellow') => string;

/**
 * `keyway audit verify` as lines: the chains (consistent row to row) and, when the secret-watcher
 * signs checkpoints, the chains against them (nothing cut off or rewritten since). Pure.
 */
export function auditVerifyText(r: Obj, paint: Paint): string {
  const lines: string[] = [];
  const broken = (text: string) => lines.push(`${paint('BROKEN', 'red')}: ${text}`);
  const b = r.firstBroken;
  if (b) broken(`${b.namespace}/${b.name} revision ${b.revision}: ${b.reason}`);
  const cp = r.checkpoint as Obj | undefined;
  for (const m of (cp?.mismatches ?? []) as Obj[]) broken(`${m.chain}: ${mismatchText(m, 'revision')}`);
  for (const p of (cp?.problems ?? []) as Obj[]) broken(checkpointProblemText(p));
  const ca = r.ca as Obj | undefined;
  if (ca?.firstBroken) broken(`CA record ${ca.firstBroken.seq}: ${ca.firstBroken.reason}`);
  const caCp = ca?.checkpoint as Obj | undefined;
  for (const m of (caCp?.mismatches ?? []) as Obj[]) broken(`CA record chain: ${mismatchText(m, 'record')}`);
  for (const p of (caCp?.problems ?? []) as Obj[]) broken(`CA ${checkpointProblemText(p)}`);
  if (r.ok) {
    lines.push(
      `${paint('OK', 'green')}: audit chain intact (${r.checkedCredentials} credentials, ${r.checkedRows} rows)${anchorText(cp)}`,
    );
    if (ca)
      lines.push(
        `${paint('OK', 'green')}: CA record chain intact (${ca.checkedRows} decisions, issuances, revocations and CRLs)${anchorText(caCp)}`,
      );
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** What a chain's signed checkpoint says about it, or that there is none. */
function anchorText(cp: Obj | undefined): string {
  if (!cp) return '; no signed checkpoints (set AUDIT_CHECKPOINT_KEY_FILE)';
  return cp.seq ? `; matches signed checkpoint ${cp.seq} (${cp.at})` : '; no checkpoint yet';
}

/** A chain against its checkpoint; `unit` is what the chain counts (a credential's revisions, the CA's records). */
function mismatchText(m: Obj, unit: 'revision' | 'record'): string {
  if (m.kind === 'truncated')
    return `truncated: checkpointed at ${unit} ${m.checkpointRevision}, the database ends at ${m.databaseRevision}`;
  if (m.kind === 'rewritten') return `rewritten: ${unit} ${m.revision} is not the row that was checkpointed`;
  return `missing: checkpointed at ${unit} ${m.checkpointRevision}, no rows in the database`;
}

const checkpointProblemText = (p: Obj) => `checkpoint ${p.seq}: ${p.kind}${p.reason ? ` (${p.reason})` : ''}`;

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
