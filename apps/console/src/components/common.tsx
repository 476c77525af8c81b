import type { ReactNode } from 'react';
import type { Loaded } from './use-load.js';
import type { Condition } from '../model/api-types.js';

/** An api error as the api said it: never a blank page. */
export function ErrorNotice({ error }: { error: Error }) {
  const status = (error as { status?: number }).status;
  return (
    <div role="alert" className="error">
      <strong>{status ? `Error ${status}: ` : 'Error: '}</strong>
      {error.message}
    </div>
  );
}

/** The body of a page that loads: its error, a loading line, or the content once data is there. */
export function Loading<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  return (
    <>
      {state.error && <ErrorNotice error={state.error} />}
      {state.data === undefined
        ? !state.error && (
            <p className="muted" role="status">
              Loading…
            </p>
          )
        : children(state.data)}
    </>
  );
}

export function Updated({ at, live }: { at: number | undefined; live?: number }) {
  if (!at) return null;
  return (
    <p className="muted small" aria-live="polite">
      Updated {new Date(at).toLocaleTimeString()}
      {live ? ` · refreshes every ${Math.round(live / 1000)} s` : ''}
    </p>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'plain'; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

export function Refusals({ conditions }: { conditions: readonly Condition[] }) {
  if (conditions.length === 0) return null;
  return (
    <ul className="refusals">
      {conditions.map((c, i) => (
        <li key={i}>
          <Badge tone="bad">refused</Badge> <code>{c.field || '—'}</code> <code>{c.code}</code>: {c.message}
        </li>
      ))}
    </ul>
  );
}

export const when = (iso: string | number | undefined | null): string => {
  if (iso === undefined || iso === null || iso === '') return '—';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isFinite(t)
    ? new Date(t)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : String(iso);
};

export const link = (hash: string) => hash;
