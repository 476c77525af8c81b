import { loadHistory, loadLatestHashes, loadProxies } from '../data.js';
import { inSync, proxySecretRows, typeStates, credentialNameOf } from '../model/proxy-view.js';
import type { CredentialVersion, ProxyRecord } from '../model/api-types.js';
import { formatRoute, withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Badge, Loading, Updated, when } from '../components/common.js';

const tone = (status: string) =>
  status === 'SYNCED' ? 'ok' : status === 'STALE' || status === 'NOT ACKED' ? 'warn' : 'bad';

/** The secrets one proxy holds, with the version of each (at most 50 credentials' histories read). */
function ProxySecrets({ proxy }: { proxy: ProxyRecord }) {
  const names = Object.keys(proxy.secrets ?? {})
    .map(credentialNameOf)
    .sort()
    .join(',');
  const state = useLoad(
    async () => {
      const latest = await loadLatestHashes(proxy.namespace);
      const histories = new Map<string, CredentialVersion[]>();
      for (const name of [...new Set(names.split(',').filter(Boolean))].slice(0, 50))
        histories.set(name, await loadHistory(proxy.namespace, name).catch(() => []));
      return proxySecretRows(proxy, latest, (n) => histories.get(n) ?? []);
    },
    `${proxy.namespace}/${proxy.nodeId}:${JSON.stringify(proxy.secrets ?? {})}`,
  );
  return (
    <section aria-labelledby="secrets">
      <h2 id="secrets">Secrets of {proxy.nodeId}</h2>
      <Loading state={state}>
        {(rows) =>
          rows.length === 0 ? (
            <p>This proxy holds no secret.</p>
          ) : (
            <table data-testid="proxy-secrets">
              <caption className="sr-only">Secrets the proxy holds and their versions</caption>
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Status</th>
                  <th scope="col">ACKed version</th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Serial</th>
                  <th scope="col">Not after</th>
                  <th scope="col">Revision</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.resource}>
                    <td>
                      <a href={formatRoute({ page: 'credential', path: [proxy.namespace, r.credential] })}>
                        {r.resource}
                      </a>
                    </td>
                    <td>
                      <Badge tone={tone(r.status)}>{r.status}</Badge>
                    </td>
                    <td>
                      <code>{r.acked}</code>
                    </td>
                    <td>
                      <code>{r.latest}</code>
                    </td>
                    <td>
                      <code>{r.serial}</code>
                    </td>
                    <td>{when(r.notAfter === '—' ? undefined : r.notAfter)}</td>
                    <td>{r.revision}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
    </section>
  );
}

/** Live: polled every `refresh` seconds (URL parameter, default 5). */
export function ProxiesPage({ route }: { route: Route }) {
  const refreshMs = Math.max(2, Number(route.params.refresh) || 5) * 1000;
  const state = useLoad(loadProxies, 'proxies', refreshMs);
  const selected = route.params.proxy;
  return (
    <>
      <h1>Proxies</h1>
      <Updated at={state.at} live={refreshMs} />
      <Loading state={state}>
        {(proxies) => {
          const chosen = proxies.find((p) => `${p.namespace}/${p.nodeId}` === selected);
          return (
            <>
              {proxies.length === 0 ? (
                <p>No proxy is connected.</p>
              ) : (
                <table data-testid="proxies">
                  <caption className="sr-only">Connected proxies and their sync state per xDS type</caption>
                  <thead>
                    <tr>
                      <th scope="col">Proxy</th>
                      <th scope="col">Namespace</th>
                      <th scope="col">Group</th>
                      <th scope="col">Replica</th>
                      <th scope="col">In sync</th>
                      <th scope="col">Per type: status, ACKed / current version</th>
                    </tr>
                  </thead>
                  <tbody>
                    {proxies.map((p) => (
                      <tr key={`${p.namespace}/${p.nodeId}`}>
                        <td>
                          <a
                            href={withParams(route, { proxy: `${p.namespace}/${p.nodeId}` })}
                            aria-current={chosen === p ? 'true' : undefined}
                          >
                            {p.nodeId}
                          </a>
                        </td>
                        <td>{p.namespace}</td>
                        <td>
                          <code>{p.groupId ?? '—'}</code>
                        </td>
                        <td>{p.replica ?? '—'}</td>
                        <td>
                          {inSync(p) ? (
                            <Badge tone="ok">in sync</Badge>
                          ) : (
                            <Badge tone="warn">not in sync</Badge>
                          )}
                        </td>
                        <td>
                          <ul className="plain">
                            {typeStates(p).map((t) => (
                              <li key={t.type}>
                                {t.type} <Badge tone={tone(t.status)}>{t.status}</Badge>{' '}
                                <code>{t.acked}</code> / <code>{t.current}</code>
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {chosen ? (
                <ProxySecrets proxy={chosen} />
              ) : (
                proxies.length > 0 && <p className="muted">Choose a proxy to see its secrets.</p>
              )}
            </>
          );
        }}
      </Loading>
    </>
  );
}
