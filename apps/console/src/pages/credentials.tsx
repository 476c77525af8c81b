import { useEffect, useMemo, useState } from 'react';
import { loadEvents, loadSecrets } from '../data.js';
import {
  credentialRow,
  filterRows,
  latestActors,
  sortRows,
  SORT_KEYS,
  type CredentialRow,
  type SortKey,
} from '../model/credential-rows.js';
import { expiryBucket, expiryTimeline } from '../model/expiry.js';
import { formatRoute, withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Badge, Loading, when } from '../components/common.js';
import { VirtualTable, type Column } from '../components/virtual-table.js';
import { ExpiryPlot } from '../components/expiry-plot.js';

const DAY = 86_400_000;

/** Actors of the latest versions, from up to 10 pages of `credential-version` events, after the table shows. */
function useActors(enabled: boolean): Map<string, string> {
  const [actors, setActors] = useState(new Map<string, string>());
  useEffect(() => {
    if (!enabled) return;
    let stop = false;
    void (async () => {
      const events = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10 && !stop; page++) {
        const q = new URLSearchParams({
          kind: 'credential-version',
          limit: '1000',
          ...(cursor ? { cursor } : {}),
        });
        const r = await loadEvents(q.toString()).catch(() => undefined);
        if (!r) break;
        events.push(...r.items);
        if (!stop) setActors(latestActors(events));
        cursor = r.next;
        if (!cursor) break;
      }
    })();
    return () => {
      stop = true;
    };
  }, [enabled]);
  return actors;
}

export function CredentialsPage({ route }: { route: Route }) {
  const p = route.params;
  const state = useLoad(async () => (await loadSecrets()).map(credentialRow), 'credentials');
  const actors = useActors(state.data !== undefined);
  const now = useMemo(() => Date.now(), []);
  const sortKey = (SORT_KEYS as readonly string[]).includes(p.sort ?? '') ? (p.sort as SortKey) : 'notAfter';
  const descending = p.order === 'desc';
  const expires = Number(p.expires) > 0 ? Number(p.expires) : undefined;
  const rows = useMemo(() => {
    const all = (state.data ?? []).map((r) => ({ ...r, actor: actors.get(r.key) }));
    return sortRows(
      filterRows(all, {
        text: p.q,
        namespace: p.ns,
        expiresBefore: expires ? now + expires * DAY : undefined,
      }),
      { key: sortKey, descending },
    );
  }, [state.data, actors, p.q, p.ns, expires, now, sortKey, descending]);
  const namespaces = useMemo(
    () => [...new Set((state.data ?? []).map((r) => r.namespace))].sort(),
    [state.data],
  );
  const timeline = useMemo(
    () =>
      expiryTimeline(
        rows.map((r) => r.notAfter),
        now,
        120,
      ),
    [rows, now],
  );
  const go = (changes: Record<string, string | undefined>) => {
    window.location.replace(withParams(route, changes));
  };
  const sortable = (key: SortKey) => ({
    active: sortKey === key,
    descending: sortKey === key && descending,
    toggle: () => go({ sort: key, order: sortKey === key && !descending ? 'desc' : undefined }),
  });
  const columns: Array<Column<CredentialRow>> = [
    {
      key: 'namespace',
      label: 'Namespace',
      width: '1fr',
      render: (r) => r.namespace,
      sort: sortable('namespace'),
    },
    {
      key: 'name',
      label: 'Name',
      width: '1.4fr',
      render: (r) => <a href={formatRoute({ page: 'credential', path: [r.namespace, r.name] })}>{r.name}</a>,
      sort: sortable('name'),
    },
    { key: 'type', label: 'Type', width: '1fr', render: (r) => r.type, sort: sortable('type') },
    {
      key: 'serial',
      label: 'Serial',
      width: '1.2fr',
      render: (r) => <code title={r.serial}>{r.serial.slice(0, 16) || '—'}</code>,
      sort: sortable('serial'),
    },
    { key: 'sans', label: 'SANs', width: '1.4fr', render: (r) => r.sans.join(', ') || '—' },
    {
      key: 'issuer',
      label: 'Issuer',
      width: '1.3fr',
      render: (r) => r.issuer || '—',
      sort: sortable('issuer'),
    },
    {
      key: 'notAfter',
      label: 'Not after',
      width: '1.3fr',
      render: (r) => {
        const b = expiryBucket(r.notAfter, now);
        return (
          <>
            {when(r.notAfter)}
            {b === 'expired' && <Badge tone="bad">expired</Badge>}
            {b === 'within-7-days' && <Badge tone="bad">≤ 7 d</Badge>}
            {b === 'within-30-days' && <Badge tone="warn">≤ 30 d</Badge>}
          </>
        );
      },
      sort: sortable('notAfter'),
    },
    {
      key: 'sources',
      label: 'Sources',
      width: '0.7fr',
      render: (r) => r.sources || '—',
      sort: sortable('sources'),
    },
    {
      key: 'lastChange',
      label: 'Last change',
      width: '1.3fr',
      render: (r) => when(r.lastChange),
      sort: sortable('lastChange'),
    },
    { key: 'actor', label: 'Actor', width: '1.3fr', render: (r) => r.actor ?? '—', sort: sortable('actor') },
  ];
  return (
    <>
      <h1>Credentials</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Filter
          <input
            type="search"
            defaultValue={p.q ?? ''}
            placeholder="name, serial, SAN, issuer, actor"
            onChange={(e) => go({ q: e.target.value || undefined })}
          />
        </label>
        <label>
          Namespace
          <select value={p.ns ?? ''} onChange={(e) => go({ ns: e.target.value || undefined })}>
            <option value="">all</option>
            {namespaces.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires within
          <select value={p.expires ?? ''} onChange={(e) => go({ expires: e.target.value || undefined })}>
            <option value="">any time</option>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>
      </form>
      <Loading state={state}>
        {() => (
          <>
            <p role="status" data-testid="row-count">
              {rows.length} of {state.data!.length} credentials
            </p>
            <section aria-labelledby="timeline">
              <h2 id="timeline">Expiry timeline (next 120 days)</h2>
              <ExpiryPlot
                data={timeline}
                label={`Certificates expiring per day over the next 120 days: ${timeline[1].reduce((a, b) => a + b, 0)} of the ${rows.length} shown`}
              />
            </section>
            {rows.length === 0 ? (
              <p>No credential matches.</p>
            ) : (
              <VirtualTable label="Credentials" rows={rows} columns={columns} rowKey={(r) => r.key} />
            )}
          </>
        )}
      </Loading>
    </>
  );
}
