import type { AnalysisFinding } from '#keyway/contracts';
import type { FindingKind, Severity } from './codes.js';

/**
 * One thing `keyway analyze` found, on one resource (`Kind/namespace/name`) and, where it has one, one
 * field (`spec.servers[0].tls.credentialName`). The wire shape lives in #keyway/contracts.
 */
export type Finding = AnalysisFinding;

export function finding(
  kind: FindingKind,
  resource: string,
  message: string,
  field?: string,
  severity: Severity = kind.severity,
): Finding {
  return {
    code: kind.code,
    name: kind.name,
    severity,
    resource,
    ...(field ? { field } : {}),
    message,
  };
}

const RANK: Record<Severity, number> = { Error: 0, Warning: 1, Info: 2 };

/** Errors first, then by resource, field and code; duplicates (one finding seen twice) dropped. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.severity}|${f.code}|${f.resource}|${f.field ?? ''}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return unique.sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      cmp(a.resource, b.resource) ||
      cmp(a.field ?? '', b.field ?? '') ||
      cmp(a.code, b.code),
  );
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'Error');
}

/**
 * istioctl analyze's line: `Error [IST0101] (Gateway istio-system/gw) spec.servers[0]...: message`.
 */
export function formatFinding(f: Finding): string {
  const [kind, ...rest] = f.resource.split('/');
  const where = rest.length ? `${kind} ${rest.join('/')}` : f.resource;
  return `${f.severity} [${f.code}] (${where}) ${f.field ? `${f.field}: ` : ''}${f.message}`;
}
