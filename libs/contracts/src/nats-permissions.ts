import { Buckets, type BucketName } from './buckets.js';
import { Streams } from './streams.js';
import { Subjects, type Subject } from './subjects.js';

/**
 * Least privilege on the bus: every keyway service connects to NATS as its own user, and the NATS
 * server itself refuses whatever the table below does not grant. The rules it encodes:
 *  - a KV bucket is written by one service (credentials: secret-watcher; xDS snapshots and proxy
 *    groups: route-compiler; proxies: sds-server; teams: api), a leader lease key only by its role;
 *  - a command that carries an actor (who asked for it) is sent only by the api, which authenticated
 *    the caller; the ca also sends `secrets.apply`, for the credentials it issued;
 *  - a service answers only its own subjects and reads only the buckets it needs; the route-compiler
 *    follows the credentials bucket's keys and never fetches a value;
 *  - bucket settings are converged only by the bucket's writer (readers may create a missing bucket
 *    with the declared settings, never change one), and nobody may delete or purge a stream;
 *  - replies go to the user's own inbox prefix (`_INBOX.<user>`), so no service reads another's.
 */
export type BusUser = 'api' | 'ca' | 'secret-watcher' | 'route-compiler' | 'sds-server';

export const BUS_USERS: readonly BusUser[] = ['api', 'ca', 'secret-watcher', 'route-compiler', 'sds-server'];

interface BusRole {
  /** Request subjects it answers. */
  serves: readonly Subject[];
  /** Request subjects it sends. */
  sends: readonly Subject[];
  /** Buckets it writes (every key) and converges the settings of. */
  writes: readonly BucketName[];
  /** Buckets it reads values from. */
  reads: readonly BucketName[];
  /** Buckets whose keys (not values) it follows. */
  followsKeys: readonly BucketName[];
  /** Its key in the leases bucket, for the active-standby services. */
  lease?: string;
  /** Plain streams it appends to and reads. */
  appends: readonly (typeof Streams)[keyof typeof Streams][];
}

const leaves = (node: unknown): Subject[] =>
  typeof node === 'string' ? [node as Subject] : Object.values(node as object).flatMap(leaves);

const served = {
  'secret-watcher': [...leaves(Subjects.secrets), ...leaves(Subjects.credentials), ...leaves(Subjects.audit)],
  ca: leaves(Subjects.ca),
  'route-compiler': leaves(Subjects.routing),
  'sds-server': leaves(Subjects.proxies),
};

export const BUS_ROLES: Record<BusUser, BusRole> = {
  api: {
    serves: [],
    // The api is the only door for people and tools: it sends every command, with the actor it
    // authenticated.
    sends: Object.values(served).flat(),
    writes: [Buckets.teams],
    reads: [],
    followsKeys: [],
    // The api's request log goes to the audit device (AUDIT_SINK=nats:...) like every record.
    appends: [Streams.auditExport],
  },
  ca: {
    serves: served.ca,
    sends: [Subjects.secrets.apply],
    writes: [],
    reads: [],
    followsKeys: [],
    lease: 'ca',
    appends: [Streams.caCheckpoints, Streams.auditExport],
  },
  'secret-watcher': {
    serves: served['secret-watcher'],
    sends: [],
    writes: [Buckets.credentials],
    reads: [],
    followsKeys: [],
    lease: 'secret-watcher',
    appends: [Streams.auditCheckpoints, Streams.auditExport],
  },
  'route-compiler': {
    serves: served['route-compiler'],
    sends: [],
    writes: [Buckets.xdsSnapshots, Buckets.proxyGroups],
    reads: [Buckets.teams, Buckets.proxies],
    followsKeys: [Buckets.credentials],
    lease: 'route-compiler',
    appends: [],
  },
  'sds-server': {
    serves: served['sds-server'],
    sends: [],
    writes: [Buckets.proxies],
    reads: [Buckets.credentials, Buckets.xdsSnapshots],
    followsKeys: [],
    appends: [],
  },
};

export interface NatsUserPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** The user may answer a request it received (once), whatever its reply subject. */
  allow_responses: true;
}

/** Replies to a user's requests arrive under this prefix (nats.js `inboxPrefix`). */
export function inboxPrefixOf(user: string): string {
  return `_INBOX.${user}`;
}

const api = (what: string) => `$JS.API.${what}`;

/** Reading a stream with consumers: what an ordered watch, a keys listing and a fetch need. */
function consume(stream: string): string[] {
  return [
    api(`STREAM.INFO.${stream}`),
    api(`CONSUMER.CREATE.${stream}`),
    api(`CONSUMER.CREATE.${stream}.>`),
    api(`CONSUMER.INFO.${stream}.>`),
    api(`CONSUMER.DELETE.${stream}.>`),
    api(`CONSUMER.MSG.NEXT.${stream}.>`),
    `$JS.ACK.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

function getMessages(stream: string): string[] {
  return [api(`DIRECT.GET.${stream}`), api(`DIRECT.GET.${stream}.>`), api(`STREAM.MSG.GET.${stream}`)];
}

/** The NATS server permissions of one keyway service, derived from its role. */
export function natsPermissions(user: BusUser): NatsUserPermissions {
  const role = BUS_ROLES[user];
  const publish = new Set<string>([api('INFO'), ...role.sends]);
  const kv = (b: BucketName) => `KV_${b}`;
  for (const b of [...role.writes, ...role.reads, ...role.followsKeys]) {
    publish.add(api(`STREAM.CREATE.${kv(b)}`));
    for (const s of consume(kv(b))) publish.add(s);
  }
  for (const b of [...role.writes, ...role.reads]) for (const s of getMessages(kv(b))) publish.add(s);
  for (const b of role.writes) {
    publish.add(api(`STREAM.UPDATE.${kv(b)}`));
    publish.add(`$KV.${b}.>`);
  }
  if (role.lease) {
    const b = kv(Buckets.leases);
    for (const s of [api(`STREAM.CREATE.${b}`), api(`STREAM.UPDATE.${b}`), ...consume(b), ...getMessages(b)])
      publish.add(s);
    publish.add(`$KV.${Buckets.leases}.${role.lease}`);
    publish.add(`$KV.${Buckets.leases}.${role.lease}.>`);
  }
  for (const stream of role.appends) {
    for (const s of [
      api(`STREAM.CREATE.${stream.name}`),
      ...consume(stream.name),
      ...getMessages(stream.name),
    ])
      publish.add(s);
    publish.add(stream.subject);
  }
  return {
    publish: { allow: [...publish] },
    subscribe: { allow: [`${inboxPrefixOf(user)}.>`, ...role.serves] },
    allow_responses: true,
  };
}

/** NATS subject matching: `*` is one token, `>` the rest (one token or more). */
export function natsSubjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Whether the server lets `user` publish to `subject` (requests it received aside). */
export function mayPublish(user: BusUser, subject: string): boolean {
  return natsPermissions(user).publish.allow.some((p) => natsSubjectMatches(p, subject));
}

/** The environment variable that holds a service's NATS password in compose and k8s. */
export function natsPasswordVariable(user: BusUser): string {
  return `KEYWAY_NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}

const quoted = (s: string) => JSON.stringify(s);

/**
 * The `authorization` block of nats-server's configuration: one user per service with its
 * permissions. A password is either a variable the server resolves from its environment (compose,
 * k8s: nothing secret in the file) or a literal (the local suite's file, mode 0600).
 */
export function natsAuthorizationConfig(
  password: (user: BusUser) => { env: string } | { literal: string },
): string {
  const lines = [
    '# Generated by `npm run gen:nats` from libs/contracts/src/nats-permissions.ts: edit that, not this.',
    'authorization {',
    '  users: [',
  ];
  for (const user of BUS_USERS) {
    const p = natsPermissions(user);
    const pw = password(user);
    const list = (xs: string[]) => xs.map((x) => `          ${quoted(x)}`).join('\n');
    lines.push(
      '    {',
      `      user: ${quoted(user)}`,
      `      password: ${'env' in pw ? `$${pw.env}` : quoted(pw.literal)}`,
      '      permissions: {',
      '        publish: { allow: [',
      list(p.publish.allow),
      '        ] }',
      '        subscribe: { allow: [',
      list(p.subscribe.allow),
      '        ] }',
      '        allow_responses: true',
      '      }',
      '    }',
    );
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}
