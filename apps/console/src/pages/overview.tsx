import { useMemo } from 'react';
import { loadGateways, loadProxies, loadSecrets, loadStatuses, verifyAudit } from '../data.js';
import { credentialRow } from '../model/credential-rows.js';
import { overviewSummary } from '../model/overview.js';
import { formatRoute, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Badge, Loading, Updated, when } from '../components/common.js';
import { VerificationView } from './verification.js';

/** Live: polled every `refresh` seconds (URL parameter, default 10). */
export function OverviewPage({ route }: { route: Route }) {
  const refreshMs = Math.max(2, Number(route.params.refresh) || 10) * 1000;
  const state = useLoad(
    async () => {
      const [secrets, gateways, proxies, statuses] = await Promise.all([
        loadSecrets(),
        loadGateways(),
        loadProxies(),
        loadStatuses(),
      ]);
      const rows = secrets.map(credentialRow);
      return {
        namespaces: [...new Set(rows.map((r) => r.namespace))].sort(),
        summary: overviewSummary({
          notAfters: rows.map((r) => r.notAfter),
          gateways,
          proxies,
          statuses,
          now: Date.now(),
        }),
      };
    },
    'overview',
    refreshMs,
  );
  const namespaces = state.data?.namespaces.join(',') ?? '';
  const verification = useLoad(
    () => verifyAudit(namespaces ? namespaces.split(',') : []),
    `verify:${namespaces}`,
  );
  const soon = useMemo(() => Date.now() + 30 * 86_400_000, []);
  return (
    <>
      <h1>Overview</h1>
      <Updated at={state.at} live={refreshMs} />
      <Loading state={state}>
        {({ summary: s }) => (
          <>
            <section aria-labelledby="counts">
              <h2 id="counts">Counts</h2>
              <dl className="tiles">
                <div>
                  <dt>Credentials</dt>
                  <dd data-testid="count-credentials">{s.credentials}</dd>
                </div>
                <div>
                  <dt>Gateways</dt>
                  <dd data-testid="count-gateways">{s.gateways}</dd>
                </div>
                <div>
                  <dt>Hosts</dt>
                  <dd data-testid="count-hosts">{s.hosts}</dd>
                </div>
                <div>
                  <dt>Proxies</dt>
                  <dd data-testid="count-proxies">{s.proxies}</dd>
                </div>
                <div>
                  <dt>Expiring within 7 days</dt>
                  <dd data-testid="expiring-7">{s.expiry.within7Days}</dd>
                </div>
                <div>
                  <dt>Expiring within 30 days</dt>
                  <dd data-testid="expiring-30">
                    <a
                      href={formatRoute({ page: 'credentials', params: { expires: '30', sort: 'notAfter' } })}
                    >
                      {s.expiry.within30Days}
                    </a>
                  </dd>
                </div>
                <div>
                  <dt>Expired</dt>
                  <dd>{s.expiry.expired}</dd>
                </div>
                <div>
                  <dt>Proxies not in sync</dt>
                  <dd data-testid="count-out-of-sync">{s.proxiesOutOfSync.length}</dd>
                </div>
              </dl>
              {s.proxiesOutOfSync.length > 0 && (
                <ul>
                  {s.proxiesOutOfSync.map((p) => (
                    <li key={p}>
                      <Badge tone="warn">not in sync</Badge> {p}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">Expiry windows end {when(soon)} (30 days).</p>
            </section>
            <section aria-labelledby="refused">
              <h2 id="refused">Refused by validation or compilation</h2>
              {s.refusals.length === 0 ? (
                <p>Nothing refused.</p>
              ) : (
                <table>
                  <caption className="sr-only">Refused resources and their reasons</caption>
                  <thead>
                    <tr>
                      <th scope="col">Resource</th>
                      <th scope="col">Field</th>
                      <th scope="col">Code</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.refusals.map((r, i) => (
                      <tr key={i}>
                        <td>{r.resource}</td>
                        <td>
                          <code>{r.field || '—'}</code>
                        </td>
                        <td>
                          <code>{r.code}</code>
                        </td>
                        <td>{r.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </>
        )}
      </Loading>
      <section aria-labelledby="verification">
        <h2 id="verification">Audit chain</h2>
        <VerificationView state={verification} />
      </section>
    </>
  );
}
