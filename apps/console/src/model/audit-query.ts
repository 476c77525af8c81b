/** The audit page's filters, as `GET /v1/audit/events` takes them (the api validates each). */
export interface AuditFilters {
  since?: string;
  until?: string;
  actor?: string;
  team?: string;
  namespace?: string;
  kind?: string;
}

export const AUDIT_FILTER_KEYS: ReadonlyArray<keyof AuditFilters> = [
  'since',
  'until',
  'actor',
  'team',
  'namespace',
  'kind',
];

/** The kinds `GET /v1/audit/events` knows (libs/contracts AUDIT_EVENT_KINDS). */
export const AUDIT_KINDS = [
  'credential-version',
  'rejected-version',
  'api-request',
  'ca-decision',
  'ca-issuance',
  'ca-revocation',
  'ca-crl',
];

/** Filters from the URL's parameters: trimmed, empty ones dropped, each at most 256 characters. */
export function auditFilters(params: Record<string, string | undefined>): AuditFilters {
  const out: AuditFilters = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const v = params[key]?.trim();
    if (v) out[key] = v.slice(0, 256);
  }
  return out;
}

export function auditQuery(filters: AuditFilters, page: { limit: number; cursor?: string }): string {
  const q = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) if (filters[key]) q.set(key, filters[key]!);
  q.set('limit', String(page.limit));
  if (page.cursor) q.set('cursor', page.cursor);
  return q.toString();
}
