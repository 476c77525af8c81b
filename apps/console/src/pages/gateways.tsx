import { loadCompiled, loadGateways, loadProxies, loadStatuses, loadVirtualServices } from '../data.js';
import { gatewayViews, virtualServiceViews } from '../model/gateway-view.js';
import { formatRoute, withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Badge, Loading, Refusals } from '../components/common.js';

export function GatewaysPage({ route }: { route: Route }) {
  const state = useLoad(async () => {
    const [gateways, services, statuses, proxies] = await Promise.all([
      loadGateways(),
      loadVirtualServices(),
      loadStatuses(),
      loadProxies(),
    ]);
    // Compiled names come from what the proxies were served; a team sees none of another's proxies.
    const compiled = await loadCompiled(proxies).catch(() => ({ listeners: [], routeNames: [] }));
    return {
      gateways: gatewayViews(gateways, services, statuses, compiled),
      services: virtualServiceViews(services, statuses),
    };
  }, 'gateways');
  const only = route.params.gateway;
  return (
    <>
      <h1>Gateways and routes</h1>
      {only && (
        <p>
          Showing {only} · <a href={withParams(route, { gateway: undefined })}>show all</a>
        </p>
      )}
      <Loading state={state}>
        {({ gateways, services }) => (
          <>
            {gateways.length === 0 && <p>No Gateway.</p>}
            {gateways
              .filter((g) => !only || g.key === only)
              .map((g) => (
                <section
                  key={g.key}
                  aria-labelledby={`gw-${g.key}`}
                  className="card"
                  data-testid={`gateway-${g.key}`}
                >
                  <h2 id={`gw-${g.key}`}>
                    Gateway {g.key}{' '}
                    {g.accepted ? (
                      <Badge tone="ok">accepted</Badge>
                    ) : (
                      <Badge tone="bad">refused in part</Badge>
                    )}
                  </h2>
                  <Refusals conditions={g.refused} />
                  <table>
                    <caption className="sr-only">Servers of Gateway {g.key}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Server</th>
                        <th scope="col">Port</th>
                        <th scope="col">Hosts and VirtualServices</th>
                        <th scope="col">TLS mode</th>
                        <th scope="col">Credential</th>
                        <th scope="col">Compiled listener and routes</th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.servers.map((s) => (
                        <tr key={s.index} className={s.refused.length ? 'refused' : undefined}>
                          <td>{s.index}</td>
                          <td>{s.port || '—'}</td>
                          <td>
                            <ul className="plain">
                              {s.hosts.map((h) => (
                                <li key={h}>
                                  {h}
                                  {(s.boundServices[h] ?? []).length > 0 && (
                                    <> ← {s.boundServices[h].join(', ')}</>
                                  )}
                                </li>
                              ))}
                            </ul>
                          </td>
                          <td>{s.tlsMode}</td>
                          <td>
                            {s.credential ? (
                              <a
                                href={formatRoute({ page: 'credential', path: [g.namespace, s.credential] })}
                              >
                                {s.credential}
                              </a>
                            ) : (
                              '—'
                            )}
                          </td>
                          <td>
                            {s.listenerNames.length + s.routeNames.length === 0 ? (
                              '—'
                            ) : (
                              <ul className="plain">
                                {s.listenerNames.map((l) => (
                                  <li key={l}>
                                    listener <code>{l}</code>
                                  </li>
                                ))}
                                {s.routeNames.map((r) => (
                                  <li key={r}>
                                    route <code>{r}</code>
                                  </li>
                                ))}
                              </ul>
                            )}
                            <Refusals conditions={s.refused} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              ))}
            {!only && (
              <section aria-labelledby="vs">
                <h2 id="vs">VirtualServices</h2>
                {services.length === 0 ? (
                  <p>No VirtualService.</p>
                ) : (
                  <table>
                    <caption className="sr-only">VirtualServices with their hosts and Gateways</caption>
                    <thead>
                      <tr>
                        <th scope="col">VirtualService</th>
                        <th scope="col">Hosts</th>
                        <th scope="col">Gateways</th>
                        <th scope="col">Status</th>
                      </tr>
                    </thead>
                    <tbody>
                      {services.map((v) => (
                        <tr key={v.key} className={v.refused.length ? 'refused' : undefined}>
                          <td>{v.key}</td>
                          <td>{v.hosts.join(', ')}</td>
                          <td>{v.gateways.join(', ') || '—'}</td>
                          <td>
                            {v.refused.length ? (
                              <Refusals conditions={v.refused} />
                            ) : (
                              <Badge tone="ok">accepted</Badge>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            )}
          </>
        )}
      </Loading>
    </>
  );
}
