import pg from 'pg';

/**
 * `SELECT 1` over one pooled connection, bounded to a second: whether this process can reach
 * Postgres now. Active-standby replicas report it (libs/messaging run-as-leader.ts).
 */
export function postgresReachable(url: string): () => Promise<boolean> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: 1000,
    idleTimeoutMillis: 10_000,
    query_timeout: 1000,
  });
  pool.on('error', () => undefined);
  return () =>
    pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
}
