import { Buckets, credentialKey, snapshotKey } from './buckets.js';
import {
  BUS_USERS,
  mayPublish,
  natsAuthorizationConfig,
  natsPermissions,
  natsSubjectMatches,
  type BusUser,
} from './nats-permissions.js';
import { Streams } from './streams.js';
import { Subjects } from './subjects.js';

const kvWrite = (bucket: string, key: string) => `$KV.${bucket}.${key}`;
const credential = kvWrite(Buckets.credentials, credentialKey('team-a', 'site'));
const snapshot = kvWrite(
  Buckets.xdsSnapshots,
  snapshotKey('g-1', 'type.googleapis.com/envoy.config.listener.v3.Listener', 'http.80'),
);

describe('natsSubjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['a.b', 'a.b.c', false],
    ['$KV.keyway-leases.ca', '$KV.keyway-leases.ca.health.r1', false],
    ['$KV.keyway-leases.ca.>', '$KV.keyway-leases.ca.health.r1', true],
  ])('%s matches %s: %s', (pattern, subject, want) => {
    expect(natsSubjectMatches(pattern, subject)).toBe(want);
  });
});

describe('who may publish what', () => {
  const table: Array<[BusUser, string, boolean, string]> = [
    ['secret-watcher', credential, true, 'the credentials bucket is the secret-watcher’s'],
    ['sds-server', credential, false, 'a reader of credentials'],
    ['route-compiler', credential, false, 'follows credential keys only'],
    ['api', credential, false, 'writes credentials through the secret-watcher'],
    ['ca', credential, false, 'writes credentials through the secret-watcher'],
    ['route-compiler', snapshot, true, 'the snapshots bucket is the route-compiler’s'],
    ['sds-server', snapshot, false, 'serves snapshots, never writes them'],
    ['sds-server', kvWrite(Buckets.proxies, 'bm9kZQ'), true, 'the proxies bucket is the sds-server’s'],
    ['route-compiler', kvWrite(Buckets.proxies, 'bm9kZQ'), false, 'reads proxies'],
    ['api', kvWrite(Buckets.teams, 'team-a'), true, 'the teams bucket is the api’s'],
    ['route-compiler', kvWrite(Buckets.teams, 'team-a'), false, 'reads teams'],
    ['ca', kvWrite(Buckets.leases, 'ca'), true, 'its own lease'],
    ['ca', kvWrite(Buckets.leases, 'ca.health.r1'), true, 'its own standby report'],
    ['ca', kvWrite(Buckets.leases, 'secret-watcher'), false, 'another role’s lease'],
    ['sds-server', kvWrite(Buckets.leases, 'ca'), false, 'not a leader'],
    ['api', Subjects.secrets.apply, true, 'the api sends every command'],
    ['api', Subjects.ca.revoke, true, 'the api sends every command'],
    ['ca', Subjects.secrets.apply, true, 'credentials the ca issued'],
    ['ca', Subjects.secrets.delete, false, 'only secrets.apply'],
    ['route-compiler', Subjects.secrets.apply, false, 'sends no command'],
    ['sds-server', Subjects.routing.apply, false, 'sends no command'],
    ['secret-watcher', Subjects.ca.issue, false, 'sends no command'],
    ['secret-watcher', Streams.auditCheckpoints.subject, true, 'appends its checkpoints'],
    ['api', Streams.auditCheckpoints.subject, false, 'only the secret-watcher signs checkpoints'],
    ['secret-watcher', `$JS.API.STREAM.UPDATE.KV_${Buckets.credentials}`, true, 'converges its bucket'],
    ['sds-server', `$JS.API.STREAM.UPDATE.KV_${Buckets.credentials}`, false, 'a reader never reconfigures'],
    ['sds-server', `$JS.API.STREAM.CREATE.KV_${Buckets.credentials}`, true, 'a reader may create it missing'],
    ['secret-watcher', `$JS.API.STREAM.DELETE.KV_${Buckets.credentials}`, false, 'nobody deletes'],
    ['secret-watcher', `$JS.API.STREAM.PURGE.KV_${Buckets.credentials}`, false, 'nobody purges'],
    ['secret-watcher', `$JS.API.STREAM.MSG.DELETE.KV_${Buckets.credentials}`, false, 'nobody erases'],
    ['sds-server', `$JS.API.DIRECT.GET.KV_${Buckets.credentials}`, true, 'reads credential values'],
    ['route-compiler', `$JS.API.DIRECT.GET.KV_${Buckets.credentials}`, false, 'never a credential value'],
    ['route-compiler', `$JS.API.STREAM.MSG.GET.KV_${Buckets.credentials}`, false, 'never a credential value'],
    ['route-compiler', `$JS.API.CONSUMER.CREATE.KV_${Buckets.credentials}.c1.$KV.x.>`, true, 'follows keys'],
  ];
  it.each(table)('%s → %s: %s (%s)', (user, subject, want) => {
    expect(mayPublish(user, subject)).toBe(want);
  });
});

describe('subscriptions', () => {
  it('each user reads only its own inbox and the subjects it serves', () => {
    const subscribe = Object.fromEntries(BUS_USERS.map((u) => [u, natsPermissions(u).subscribe.allow]));
    expect(subscribe['api']).toEqual(['_INBOX.api.>']);
    expect(subscribe['sds-server']).toEqual([
      '_INBOX.sds-server.>',
      Subjects.proxies.status,
      Subjects.proxies.config,
    ]);
    for (const u of BUS_USERS) {
      expect(subscribe[u].some((p) => natsSubjectMatches(p, '_INBOX.api.x.1') && u !== 'api')).toBe(false);
      expect(subscribe[u]).not.toContain('>');
    }
  });

  it('every command subject is served by exactly one service', () => {
    const servers = Object.values(Subjects).flatMap((g) =>
      JSON.stringify(g)
        .match(/"keyway\.[^"]+"/g)!
        .map((s) => JSON.parse(s) as string),
    );
    for (const subject of servers) {
      const by = BUS_USERS.filter((u) => natsPermissions(u).subscribe.allow.includes(subject));
      expect({ subject, by: by.length }).toEqual({ subject, by: 1 });
    }
  });
});

describe('natsAuthorizationConfig', () => {
  it('names each password as an environment variable or quotes a literal, never both', () => {
    const env = natsAuthorizationConfig((u) => ({ env: `PW_${u.length}` }));
    expect(env).toMatch(/password: \$PW_3\n/);
    expect(env).not.toMatch(/password: "/);
    const literal = natsAuthorizationConfig(() => ({ literal: 'a"b' }));
    expect(literal).toMatch(/password: "a\\"b"\n/);
    // Subjects that start with $ are quoted, so the server does not read them as variables.
    expect(literal).toMatch(/^\s+"\$JS\.API\.INFO"$/m);
    expect(literal).not.toMatch(/^\s+\$JS/m);
  });
});
