import type { SealedEnvelope } from '#keyway/key-material';
import type { ApiSecretChange } from './audit-log.js';
import { finalApiSecretChanges } from './api-secret-changes.js';

const sealed = (n: number) => ({ v: n }) as unknown as SealedEnvelope;
const up = (name: string, n: number, namespace = 'ns'): ApiSecretChange => ({
  op: 'upsert',
  namespace,
  name,
  sealedManifest: sealed(n),
  actor: `user:${n}`,
});
const del = (name: string, namespace = 'ns'): ApiSecretChange => ({ op: 'delete', namespace, name });
const show = (changes: ApiSecretChange[]) => {
  const { upserts, deletes } = finalApiSecretChanges(changes);
  return {
    upserts: upserts.map((c) => `${c.namespace}/${c.name}=${c.actor}`),
    deletes: deletes.map((c) => `${c.namespace}/${c.name}`),
  };
};

describe('a group of API store changes, reduced to what the store ends with', () => {
  it.each<[string, ApiSecretChange[], ReturnType<typeof show>]>([
    ['nothing', [], { upserts: [], deletes: [] }],
    ['one of each', [up('a', 1), del('b')], { upserts: ['ns/a=user:1'], deletes: ['ns/b'] }],
    ['the last upsert of a Secret wins', [up('a', 1), up('a', 2)], { upserts: ['ns/a=user:2'], deletes: [] }],
    ['upsert then delete is a delete', [up('a', 1), del('a')], { upserts: [], deletes: ['ns/a'] }],
    ['delete then upsert is an upsert', [del('a'), up('a', 3)], { upserts: ['ns/a=user:3'], deletes: [] }],
    [
      'the same name in two namespaces is two Secrets',
      [up('a', 1, 'x'), del('a', 'y'), up('a', 2, 'y')],
      { upserts: ['x/a=user:1', 'y/a=user:2'], deletes: [] },
    ],
    [
      'order follows each Secret’s last change',
      [up('a', 1), up('b', 2), up('a', 3)],
      { upserts: ['ns/b=user:2', 'ns/a=user:3'], deletes: [] },
    ],
  ])('%s', (_what, changes, expected) => {
    expect(show(changes)).toEqual(expected);
  });
});
