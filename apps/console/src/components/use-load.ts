import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** When the data last arrived (ms), for "updated at" lines. */
  at: number | undefined;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and, with `refreshMs`, again every so often (live pages poll: the api
 * has no push route). A later answer never overwrites a newer one; errors keep the last data shown.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    loading: true,
    at: undefined,
  });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === seq.current) setState({ data, error: undefined, loading: false, at: Date.now() });
      },
      (error: Error) => {
        if (mine === seq.current) setState((s) => ({ ...s, error, loading: false }));
      },
    );
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true, at: undefined });
    run();
    if (!refreshMs) return;
    const timer = setInterval(run, refreshMs);
    return () => clearInterval(timer);
  }, [key, refreshMs, run]);
  return { ...state, reload: run };
}
