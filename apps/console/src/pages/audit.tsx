import { useEffect, useState, type FormEvent } from 'react';
import { loadEvents, verifyAudit } from '../data.js';
import { auditFilters, auditQuery, AUDIT_FILTER_KEYS, AUDIT_KINDS } from '../model/audit-query.js';
import type { AuditEvent } from '../model/api-types.js';
import { withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { ErrorNotice, Loading, when } from '../components/common.js';
import { VerificationView } from './verification.js';

const LABELS: Record<string, string> = {
  since: 'Since (24h, 7d or ISO time)',
  until: 'Until',
  actor: 'Actor',
  team: 'Team',
  namespace: 'Namespace',
  kind: 'Kind',
};

export function AuditPage({ route }: { route: Route }) {
  const filters = auditFilters(route.params);
  const key = auditQuery(filters, { limit: 100 });
  const state = useLoad(() => loadEvents(key), key);
  const [more, setMore] = useState<{ items: AuditEvent[]; next?: string; error?: Error }>({ items: [] });
  useEffect(() => setMore({ items: [] }), [key]);
  const verification = useLoad(
    () => verifyAudit(filters.namespace ? [filters.namespace] : []).then((v) => v),
    `verify:${filters.namespace ?? ''}`,
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    window.location.assign(
      withParams(
        route,
        Object.fromEntries(AUDIT_FILTER_KEYS.map((k) => [k, String(data.get(k) ?? '').trim() || undefined])),
      ),
    );
  };
  const next = more.next ?? state.data?.next;
  const loadMore = () => {
    if (!next) return;
    loadEvents(auditQuery(filters, { limit: 100, cursor: next })).then(
      (r) => setMore((m) => ({ items: [...m.items, ...r.items], next: r.next ?? '' })),
      (error: Error) => setMore((m) => ({ ...m, error })),
    );
  };
  return (
    <>
      <h1>Audit</h1>
      <section aria-labelledby="verification">
        <h2 id="verification">Verification</h2>
        <VerificationView state={verification} />
      </section>
      <form className="filters" onSubmit={submit} key={key}>
        {AUDIT_FILTER_KEYS.map((k) =>
          k === 'kind' ? (
            <label key={k}>
              {LABELS[k]}
              <select name={k} defaultValue={filters.kind ?? ''}>
                <option value="">all</option>
                {AUDIT_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {kind}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label key={k}>
              {LABELS[k]}
              <input name={k} defaultValue={filters[k] ?? ''} />
            </label>
          ),
        )}
        <button type="submit">Apply filters</button>
      </form>
      <Loading state={state}>
        {(page) => {
          const items = [...page.items, ...more.items];
          return (
            <>
              {items.length === 0 ? (
                <p>No event matches.</p>
              ) : (
                <table data-testid="events">
                  <caption className="sr-only">Audit events, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Resource</th>
                      <th scope="col">Action</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Team</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((e) => (
                      <tr key={e.id}>
                        <td>{when(e.at)}</td>
                        <td>{e.kind}</td>
                        <td>{e.namespace ? `${e.namespace}${e.name ? `/${e.name}` : ''}` : '—'}</td>
                        <td>{e.action}</td>
                        <td>{e.actor}</td>
                        <td>{e.team ?? '—'}</td>
                        <td>
                          {e.revision !== undefined && `revision ${e.revision} `}
                          {e.serial && (
                            <>
                              serial <code>{e.serial}</code>{' '}
                            </>
                          )}
                          {e.detail}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {more.error && <ErrorNotice error={more.error} />}
              {next && (
                <button type="button" onClick={loadMore}>
                  Load older events
                </button>
              )}
            </>
          );
        }}
      </Loading>
    </>
  );
}
