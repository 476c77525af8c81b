/**
 * Issue #13.7: inside the platform, least privilege too. Every service of the running suite is its own
 * NATS user (libs/contracts nats-permissions.ts); here each user tries what its role does not grant,
 * through a real NATS connection with that user's password, and the NATS server itself refuses it.
 * What the services do for their role keeps working (the host stays served).
 */
import fs from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Buckets, credentialKey, inboxPrefixOf, Streams, Subjects, type BusUser } from '#keyway/contracts';
import { waitFor } from '#keyway/testing';
import { ok, run, selfSignedPair, startWalkthroughSuite, type WalkthroughSuite } from './support.js';

let w: WalkthroughSuite;
const open: NatsConnection[] = [];

async function as(user: BusUser): Promise<NatsConnection> {
  const u = w.nats.users![user];
  const nc = await connect({
    servers: w.nats.url.replace(/^nats:\/\//, ''),
    user: u.user,
    pass: u.password,
    inboxPrefix: inboxPrefixOf(u.user),
  });
  open.push(nc);
  return nc;
}

/** The error a NATS operation ends with, or undefined when it succeeded. */
async function refusal(op: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await op();
    return undefined;
  } catch (e) {
    return String((e as Error).message);
  }
}

const permission = /permission|authoriz/i;

async function status(path: string): Promise<number> {
  const r = await run('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--max-time',
    '10',
    '-H',
    'Host: bus.example.com',
    `http://127.0.0.1:${w.suite.ports.gatewayHttp}${path}`,
  ]);
  return Number(r.stdout);
}

beforeAll(async () => {
  w = await startWalkthroughSuite();
  ok(
    await w.keyway(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bus}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http-bus, protocol: HTTP}
    hosts: ["bus.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bus}
spec:
  hosts: ["bus.example.com"]
  gateways: [bus]
  http:
  - route: [{destination: {host: httpbin, port: {number: 8000}}}]
`,
    ),
  );
  const pair = selfSignedPair(w.workDir, 'bus.example.com');
  fs.writeFileSync(`${w.workDir}/bus.crt`, pair.cert);
  fs.writeFileSync(`${w.workDir}/bus.key`, pair.key, { mode: 0o600 });
  ok(
    await w.keyway([
      'create',
      'secret',
      'tls',
      'bus-credential',
      '-n',
      'istio-system',
      '--cert=bus.crt',
      '--key=bus.key',
    ]),
  );
  await waitFor(async () => ((await status('/status/418')) === 418 ? true : undefined), {
    what: 'bus.example.com served',
    timeoutMs: 15_000,
  });
}, 180_000);

afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  await w?.stop();
});

describe('each service is its own NATS user with only its permissions', () => {
  it("grants each service all its role needs: the suite's own work raised no violation", () => {
    expect(w.busViolations()).toEqual([]);
  });

  it('lets each service that keeps records export them to the audit device (AUDIT_SINK=nats:...)', async () => {
    // A CA record too: the suite's own work so far is a Secret and routes.
    ok(await w.keyway(['cert', 'issue', 'bus.example.com', '--out', 'bus-issued']));
    const jsm = await jetstreamManager(await as('secret-watcher'), { timeout: 2000 });
    const exported = async () => {
      const info = await jsm.streams.info(Streams.auditExport.name, { subjects_filter: '>' });
      const subjects = info.state.subjects ?? {};
      return ['secret-watcher', 'ca', 'api'].every((s) => (subjects[`keyway.audit.export.${s}`] ?? 0) > 0)
        ? subjects
        : undefined;
    };
    expect(
      await waitFor(exported, { what: 'records exported by every service', timeoutMs: 15_000 }),
    ).toBeTruthy();
    expect(w.busViolations()).toEqual([]);
  });

  it('refuses a client without a user', async () => {
    const error = await refusal(() =>
      connect({ servers: w.nats.url.replace(/^nats:\/\//, ''), reconnect: false }).then((nc) => nc.close()),
    );
    expect(error).toMatch(/authoriz/i);
  });

  it('lets only the secret-watcher write the credentials bucket', async () => {
    for (const user of ['sds-server', 'route-compiler', 'api', 'ca'] as const) {
      const js = jetstream(await as(user), { timeout: 2000 });
      const key = credentialKey('istio-system', 'forged');
      const error = await refusal(() => js.publish(`$KV.${Buckets.credentials}.${key}`, '{}'));
      expect({ user, error }).toEqual({ user, error: expect.stringMatching(permission) });
    }
  });

  it('lets only the route-compiler write xDS snapshots and proxy groups', async () => {
    for (const user of ['sds-server', 'secret-watcher', 'api'] as const) {
      for (const bucket of [Buckets.xdsSnapshots, Buckets.proxyGroups]) {
        const js = jetstream(await as(user), { timeout: 2000 });
        const error = await refusal(() => js.publish(`$KV.${bucket}.g-forged.lds.x`, '{}'));
        expect({ user, bucket, error }).toEqual({ user, bucket, error: expect.stringMatching(permission) });
      }
    }
  });

  it('keeps the route-compiler to the credentials bucket keys, never a value', async () => {
    const kv = await new Kvm(jetstream(await as('route-compiler'), { timeout: 2000 })).open(
      Buckets.credentials,
    );
    const error = await refusal(() => kv.get(credentialKey('istio-system', 'bus-credential')));
    expect(error).toMatch(permission);
  });

  it('lets nobody delete, purge or reconfigure a bucket it does not write', async () => {
    const stream = `KV_${Buckets.credentials}`;
    for (const user of ['api', 'sds-server', 'route-compiler', 'ca'] as const) {
      const jsm = await jetstreamManager(await as(user), { timeout: 2000 });
      expect(await refusal(() => jsm.streams.purge(stream))).toMatch(permission);
      expect(await refusal(() => jsm.streams.delete(stream))).toMatch(permission);
      expect(await refusal(() => jsm.streams.update(stream, { max_age: 1_000_000 }))).toMatch(permission);
    }
    // The writer converges settings, but even it may not delete or purge the record.
    const jsm = await jetstreamManager(await as('secret-watcher'), { timeout: 2000 });
    expect(await refusal(() => jsm.streams.purge(stream))).toMatch(permission);
    expect(await refusal(() => jsm.streams.delete(stream))).toMatch(permission);
  });

  it('lets a leader write only its own lease', async () => {
    const js = jetstream(await as('secret-watcher'), { timeout: 2000 });
    const error = await refusal(() =>
      js.publish(`$KV.${Buckets.leases}.route-compiler`, '{"holder":"impostor"}'),
    );
    expect(error).toMatch(permission);
  });

  it('lets only the api send commands that carry an actor (the ca: secrets.apply alone)', async () => {
    for (const [user, subject] of [
      ['ca', Subjects.secrets.delete],
      ['ca', Subjects.routing.apply],
      ['route-compiler', Subjects.secrets.apply],
      ['sds-server', Subjects.ca.revoke],
      ['secret-watcher', Subjects.ca.issue],
    ] as const) {
      const nc = await as(user);
      const error = await refusal(() => nc.request(subject, '{}', { timeout: 2000 }));
      expect({ user, subject, error }).toEqual({ user, subject, error: expect.stringMatching(permission) });
    }
  });

  it("lets no service listen on another's subjects or read another's replies", async () => {
    for (const [user, subject] of [
      ['route-compiler', Subjects.secrets.apply],
      ['sds-server', `${inboxPrefixOf('api')}.>`],
      ['ca', '>'],
    ] as const) {
      const nc = await as(user);
      const sub = nc.subscribe(subject);
      const error = await Promise.race([
        sub.closed.then(
          (e) => (e ? String(e.message) : undefined),
          (e: Error) => e.message,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still subscribed after 3 s'), 3000)),
      ]);
      expect({ user, subject, error }).toEqual({ user, subject, error: expect.stringMatching(permission) });
    }
  });

  it('logged every refusal with the user and subject', () => {
    expect(w.busViolations()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Publish Violation - User "ca", Subject "keyway.secrets.delete"/),
      ]),
    );
  });

  it('still serves, and the Secret is untouched', async () => {
    expect(await status('/status/418')).toBe(418);
    const history = ok(await w.keyway(['history', '-n', 'istio-system', 'bus-credential']));
    expect(history.stdout.trim().split('\n')).toHaveLength(2);
    const verify = ok(await w.keyway(['audit', 'verify']));
    expect(verify.stdout).toMatch(/^OK/);
  });
});
