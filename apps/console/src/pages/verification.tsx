import type { Verification } from '../data.js';
import type { Loaded } from '../components/use-load.js';
import { Badge, Loading, when } from '../components/common.js';

export function VerificationView({ state }: { state: Loaded<Verification> }) {
  return (
    <Loading state={state}>
      {(v) => (
        <>
          <ul className="plain" data-testid="verification">
            {v.scopes.length === 0 && <li>No namespace to verify yet.</li>}
            {v.scopes.map((s) => (
              <li key={s.scope}>
                {s.result?.ok ? (
                  <Badge tone="ok">intact</Badge>
                ) : (
                  <Badge tone="bad">{s.error ? 'error' : 'broken'}</Badge>
                )}{' '}
                {s.scope === '*' ? 'whole log' : `namespace ${s.scope}`}
                {s.result &&
                  `: ${s.result.checkedRows ?? 0} rows, ${s.result.checkedCredentials ?? 0} credentials checked` +
                    (s.result.ca
                      ? `; CA record ${s.result.ca.ok ? 'intact' : 'broken'} (${s.result.ca.checkedRows ?? 0} rows)`
                      : '') +
                    (s.result.checkpoint?.at
                      ? `; last signed checkpoint ${when(s.result.checkpoint.at)}`
                      : '')}
                {s.error && `: ${s.error}`}
              </li>
            ))}
          </ul>
          <p className="muted small">
            Verified {when(v.at)}{' '}
            <button type="button" className="link" onClick={state.reload}>
              Verify again
            </button>
          </p>
        </>
      )}
    </Loading>
  );
}
