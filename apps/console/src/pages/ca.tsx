import { loadAuthorities, loadCrl, loadEvents } from '../data.js';
import type { Authority, CrlInfo } from '../model/api-types.js';
import { expiryBucket } from '../model/expiry.js';
import { withParams, type Route } from '../model/route.js';
import { useLoad } from '../components/use-load.js';
import { Badge, Loading, when } from '../components/common.js';

/** Issuer names from the root down to `a`, following `parent` (at most 10 links). */
function chainOf(a: Authority, all: readonly Authority[]): string[] {
  const chain = [a.name];
  let cur: Authority | undefined = a;
  for (let i = 0; i < 10 && cur?.parent; i++) {
    const parentName: string = cur.parent;
    chain.unshift(parentName);
    cur = all.find((x) => x.name === parentName);
  }
  return chain;
}

export function CaPage({ route }: { route: Route }) {
  const team = route.params.team;
  const state = useLoad(
    async () => {
      const authorities = await loadAuthorities();
      const crls = await Promise.all(
        authorities.slice(0, 50).map((a) =>
          loadCrl(a.name).then(
            (c) => [a.name, c] as const,
            (e: Error) => [a.name, e] as const,
          ),
        ),
      );
      const q = (kind: string) =>
        new URLSearchParams({ kind, limit: '200', ...(team ? { team } : {}) }).toString();
      const [issued, revoked] = await Promise.all([
        loadEvents(q('ca-issuance')),
        loadEvents(q('ca-revocation')),
      ]);
      return {
        authorities,
        crls: new Map<string, CrlInfo | Error>(crls),
        issued: issued.items,
        revoked: revoked.items,
      };
    },
    `ca:${team ?? ''}`,
  );
  const now = Date.now();
  return (
    <>
      <h1>Certificate authority</h1>
      <Loading state={state}>
        {({ authorities, crls, issued, revoked }) => (
          <>
            <section aria-labelledby="issuers">
              <h2 id="issuers">Issuers</h2>
              {authorities.length === 0 ? (
                <p>No issuer.</p>
              ) : (
                <table data-testid="issuers">
                  <caption className="sr-only">Issuers with their chains, expiry and CRLs</caption>
                  <thead>
                    <tr>
                      <th scope="col">Issuer</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Chain</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Key</th>
                      <th scope="col">Not after</th>
                      <th scope="col">CRL</th>
                    </tr>
                  </thead>
                  <tbody>
                    {authorities.map((a) => {
                      const crl = crls.get(a.name);
                      const b = expiryBucket(Date.parse(a.notAfter), now);
                      return (
                        <tr key={a.name}>
                          <td>{a.name}</td>
                          <td>{a.kind}</td>
                          <td>{chainOf(a, authorities).join(' → ')}</td>
                          <td>{a.subject}</td>
                          <td>{a.keyType}</td>
                          <td>
                            {when(a.notAfter)}{' '}
                            {b === 'expired' ? (
                              <Badge tone="bad">expired</Badge>
                            ) : b === 'within-7-days' || b === 'within-30-days' ? (
                              <Badge tone="warn">expires soon</Badge>
                            ) : null}
                          </td>
                          <td>
                            {crl instanceof Error ? (
                              <span className="error-text">{crl.message}</span>
                            ) : crl ? (
                              <>
                                number {crl.crlNumber}, {crl.revokedCount} revoked, next update{' '}
                                <span data-testid={`crl-next-${a.name}`}>{when(crl.nextUpdate)}</span>
                              </>
                            ) : (
                              '—'
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="issued">
              <h2 id="issued">Issued certificates{team ? ` (team ${team})` : ''}</h2>
              <form
                className="filters"
                onSubmit={(e) => {
                  e.preventDefault();
                  const v = String(new FormData(e.currentTarget).get('team') ?? '').trim();
                  window.location.assign(withParams(route, { team: v || undefined }));
                }}
              >
                <label>
                  Team
                  <input name="team" defaultValue={team ?? ''} />
                </label>
                <button type="submit">Show</button>
              </form>
              {issued.length === 0 ? (
                <p>None issued.</p>
              ) : (
                <table data-testid="issued">
                  <caption className="sr-only">Certificates the CA issued, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Serial</th>
                      <th scope="col">Team</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Issuer and subject</th>
                    </tr>
                  </thead>
                  <tbody>
                    {issued.map((e) => (
                      <tr key={e.id}>
                        <td>{when(e.at)}</td>
                        <td>
                          <code>{e.serial ?? '—'}</code>
                        </td>
                        <td>{e.team ?? '—'}</td>
                        <td>{e.actor}</td>
                        <td>{e.detail ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="revoked">
              <h2 id="revoked">Revocations</h2>
              {revoked.length === 0 ? (
                <p>None revoked.</p>
              ) : (
                <ul>
                  {revoked.map((e) => (
                    <li key={e.id}>
                      {when(e.at)} serial <code>{e.serial ?? '—'}</code> by {e.actor}: {e.detail ?? e.action}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </Loading>
    </>
  );
}
