import pg from 'pg';

/**
 * Runs each statement as the role `url` logs in as, each in its own transaction rolled back, and
 * returns what Postgres answered: `ok` or its error message. For tests that show what a service's
 * role may and may not do.
 */
export async function attemptsAs(
  url: string,
  statements: readonly string[],
): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: Record<string, string> = {};
  try {
    for (const sql of statements) {
      await client.query('BEGIN');
      try {
        await client.query(sql);
        out[sql] = 'ok';
      } catch (e) {
        out[sql] = (e as Error).message;
      }
      await client.query('ROLLBACK');
    }
  } finally {
    await client.end();
  }
  return out;
}
