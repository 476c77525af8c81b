import { useEffect, useState, type FormEvent } from 'react';
import { formatRoute, parseRoute, type Page, type Route } from './model/route.js';
import { session } from './api-client.js';
import { OverviewPage } from './pages/overview.js';
import { CredentialsPage } from './pages/credentials.js';
import { CredentialPage } from './pages/credential.js';
import { GatewaysPage } from './pages/gateways.js';
import { ProxiesPage } from './pages/proxies.js';
import { AuditPage } from './pages/audit.js';
import { CaPage } from './pages/ca.js';

const NAV: Array<[Page, string]> = [
  ['overview', 'Overview'],
  ['credentials', 'Credentials'],
  ['gateways', 'Gateways and routes'],
  ['proxies', 'Proxies'],
  ['audit', 'Audit'],
  ['ca', 'CA'],
];

function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parseRoute(hash);
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    session.signIn(token);
    onSignedIn();
  };
  return (
    <main id="main" className="signin">
      <h1>Sign in to keyway</h1>
      <p>
        Paste an api token: a team token shows that team&apos;s namespaces, the admin token shows all. It is
        kept in this tab only (sessionStorage) and sent to the api as a bearer token.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function PageFor({ route }: { route: Route }) {
  switch (route.page) {
    case 'credentials':
      return <CredentialsPage route={route} />;
    case 'credential':
      return <CredentialPage route={route} />;
    case 'gateways':
      return <GatewaysPage route={route} />;
    case 'proxies':
      return <ProxiesPage route={route} />;
    case 'audit':
      return <AuditPage route={route} />;
    case 'ca':
      return <CaPage route={route} />;
    default:
      return <OverviewPage route={route} />;
  }
}

export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => session.token() !== undefined);
  const current = route.page === 'credential' ? 'credentials' : route.page;
  useEffect(() => {
    const label = NAV.find(([p]) => p === current)?.[1] ?? 'Overview';
    document.title = `${label} · keyway console`;
  }, [current]);
  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">keyway console</span>
        {signedIn && (
          <>
            <nav aria-label="Pages">
              <ul>
                {NAV.map(([page, label]) => (
                  <li key={page}>
                    <a href={formatRoute({ page })} aria-current={current === page ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <button
              type="button"
              className="link"
              onClick={() => {
                session.signOut();
                setSignedIn(false);
              }}
            >
              Sign out
            </button>
          </>
        )}
      </header>
      {signedIn ? (
        <main id="main" tabIndex={-1}>
          <PageFor route={route} />
        </main>
      ) : (
        <SignIn onSignedIn={() => setSignedIn(true)} />
      )}
    </>
  );
}
