import type { ApiSecretChange } from './audit-log.js';

type Upsert = Extract<ApiSecretChange, { op: 'upsert' }>;
type Delete = Extract<ApiSecretChange, { op: 'delete' }>;

/**
 * A group's changes to the API source's stored Secrets, reduced to what the store must end with:
 * per Secret only its last change counts (an upsert then a delete is a delete, and the other way
 * round an upsert). So a group commits them as one upsert and one delete statement, which Postgres
 * cannot do with two changes to one row in a statement.
 */
export function finalApiSecretChanges(changes: readonly ApiSecretChange[]): {
  upserts: Upsert[];
  deletes: Delete[];
} {
  const last = new Map<string, ApiSecretChange>();
  // Namespace and name are DNS labels: a slash cannot occur in either.
  for (const c of changes) {
    const key = `${c.namespace}/${c.name}`;
    last.delete(key); // keeps the map in order of each Secret's last change
    last.set(key, c);
  }
  const upserts: Upsert[] = [];
  const deletes: Delete[] = [];
  for (const c of last.values()) {
    if (c.op === 'upsert') upserts.push(c);
    else deletes.push(c);
  }
  return { upserts, deletes };
}
