import { loadGateways, loadHistory, loadProxies } from '../data.js';
import { defaultPair, diffVersions } from '../model/credential-diff.js';
import { credentialUsage } from '../model/usage.js';
import { formatRoute, withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Loading, when } from '../components/common.js';

export function CredentialPage({ route }: { route: Route }) {
  const [namespace = '', name = ''] = route.path;
  const state = useLoad(async () => {
    const [history, gateways, proxies] = await Promise.all([
      loadHistory(namespace, name),
      loadGateways(),
      loadProxies(),
    ]);
    return { history, usage: credentialUsage(namespace, name, gateways, proxies) };
  }, `${namespace}/${name}`);
  const go = (changes: Record<string, string | undefined>) =>
    window.location.replace(withParams(route, changes));
  return (
    <>
      <p className="crumbs">
        <a href={formatRoute({ page: 'credentials' })}>Credentials</a> / {namespace}
      </p>
      <h1>
        Credential {namespace}/{name}
      </h1>
      <Loading state={state}>
        {({ history, usage }) => {
          const revisions = history.map((v) => v.revision);
          const pair = defaultPair(revisions, {
            left: Number(route.params.left),
            right: Number(route.params.right),
          });
          const left = history.find((v) => v.revision === pair?.left);
          const right = history.find((v) => v.revision === pair?.right);
          return (
            <>
              <section aria-labelledby="history">
                <h2 id="history">History</h2>
                {history.length === 0 ? (
                  <p>No version recorded.</p>
                ) : (
                  <ol className="timeline" data-testid="history">
                    {[...history].reverse().map((v) => (
                      <li key={v.revision}>
                        <span className="rev">revision {v.revision}</span> <strong>{v.action}</strong> by{' '}
                        {v.actor ?? '—'} from {v.source ?? '—'} at{' '}
                        <time dateTime={v.recordedAt}>{when(v.recordedAt)}</time>
                        {v.leafSerial && (
                          <>
                            {' '}
                            · serial <code>{v.leafSerial}</code>
                          </>
                        )}
                        {v.reason && <> · {v.reason}</>}
                      </li>
                    ))}
                  </ol>
                )}
              </section>
              {pair && left && right && (
                <section aria-labelledby="diff">
                  <h2 id="diff">Compare versions</h2>
                  <form className="filters" onSubmit={(e) => e.preventDefault()}>
                    <RevisionSelect
                      label="Left"
                      value={pair.left}
                      revisions={revisions}
                      onChange={(left) => go({ left })}
                    />
                    <RevisionSelect
                      label="Right"
                      value={pair.right}
                      revisions={revisions}
                      onChange={(right) => go({ right })}
                    />
                  </form>
                  <table className="diff" data-testid="diff">
                    <caption className="sr-only">
                      Revision {pair.left} and revision {pair.right} side by side; changed facts are marked
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Fact</th>
                        <th scope="col">Revision {pair.left}</th>
                        <th scope="col">Revision {pair.right}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {diffVersions(left, right).map((line) => (
                        <tr key={line.label} className={line.changed ? 'changed' : undefined}>
                          <th scope="row">
                            {line.label}
                            {line.changed && <span className="sr-only"> (changed)</span>}
                          </th>
                          <td>{line.left}</td>
                          <td>{line.right}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="muted small">
                    Key material is never shown: the api answers certificate facts only.
                  </p>
                </section>
              )}
              <section aria-labelledby="usage">
                <h2 id="usage">Used by</h2>
                <h3>Gateways</h3>
                {usage.gateways.length === 0 ? (
                  <p>No Gateway names this credential.</p>
                ) : (
                  <ul data-testid="used-by-gateways">
                    {usage.gateways.map((g) => (
                      <li key={`${g.gateway}#${g.server}`}>
                        <a href={formatRoute({ page: 'gateways', params: { gateway: g.gateway } })}>
                          {g.gateway}
                        </a>{' '}
                        server {g.server} ({g.port}): {g.hosts.join(', ')}
                      </li>
                    ))}
                  </ul>
                )}
                <h3>Hosts</h3>
                <p data-testid="used-by-hosts">{usage.hosts.join(', ') || 'None.'}</p>
                <h3>Proxies</h3>
                {usage.proxies.length === 0 ? (
                  <p>No connected proxy holds it.</p>
                ) : (
                  <ul data-testid="used-by-proxies">
                    {usage.proxies.map((p) => (
                      <li key={`${p.proxy}${p.resource}`}>
                        <a
                          href={formatRoute({
                            page: 'proxies',
                            params: { proxy: `${p.namespace}/${p.proxy}` },
                          })}
                        >
                          {p.proxy}
                        </a>{' '}
                        holds <code>{p.resource}</code> at version <code>{p.acked}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </Loading>
    </>
  );
}

function RevisionSelect(props: {
  label: string;
  value: string | number;
  revisions: Array<string | number>;
  onChange: (revision: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.revisions.map((r) => (
          <option key={r} value={r}>
            revision {r}
          </option>
        ))}
      </select>
    </label>
  );
}
