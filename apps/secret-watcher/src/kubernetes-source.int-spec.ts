import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import type { Issuer } from '#keyway/pki';
import {
  createThrowawayDatabase,
  SimulatedKubernetesApi,
  testDataKeys,
  waitFor,
  type ThrowawayDatabase,
} from '#keyway/testing';

const SECRETS = '/api/v1/secrets';
import {
  BucketRecorder,
  Commands,
  applyRequest,
  bootService,
  leafFor,
  privateNats,
  testCa,
  tlsManifest,
  type BootedService,
} from './testing/harness.js';

describe('Kubernetes source against a simulated API server', () => {
  const ns = `t-${randomBytes(3).toString('hex')}`;
  let api: SimulatedKubernetesApi;
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let service: BootedService;
  let commands: Commands;
  let bucket: BucketRecorder;
  let ca: Issuer;
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);

  const tls = (leaf: { cert: string; key: string }) => ({ 'tls.crt': leaf.cert, 'tls.key': leaf.key });
  /** A kubernetes.io/tls Secret as the API stores it (data base64-encoded). */
  const putSecret = (namespace: string, name: string, data: Record<string, string>) =>
    api.put(SECRETS, {
      metadata: { name, namespace },
      type: 'kubernetes.io/tls',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    });
  const rows = async (name: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (
        await c.query(
          `SELECT revision, action, source FROM secret_watcher.audit_log WHERE namespace = $1 AND name = $2 ORDER BY revision`,
          [ns, name],
        )
      ).rows.map((r) => `${r.revision} ${r.action} ${r.source}`);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    ca = testCa();
    api = new SimulatedKubernetesApi();
    await api.start();
    putSecret(ns, 'listed', tls(leafFor(ca)));
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_sw_kube');
    service = await bootService({
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      KUBERNETES_API_URL: api.url,
      KUBERNETES_NAMESPACES: ns,
    });
    commands = new Commands(nats.url);
    bucket = new BucketRecorder();
    await bucket.start(nats.url, ns);
    await waitFor(() => api.watchers() === 1, { what: 'watch open' });
  }, 60_000);

  afterAll(async () => {
    await bucket?.stop();
    await commands?.close();
    await service?.close();
    await api?.stop();
    await nats?.stop();
    await db?.drop();
  });

  it('lists at start, then applies each watch event once', async () => {
    expect(await rows('listed')).toEqual(['1 created kubernetes']);
    expect(api.requests[0]).toMatchObject({ verb: 'list', collection: SECRETS, namespace: ns });
    const leaf = leafFor(ca);
    putSecret(ns, 'watched', tls(leaf));
    await waitFor(() => bucket.last(`${ns}.watched`)?.leafFingerprint === leaf.fingerprint, {
      what: 'ADDED published',
    });
    const next = leafFor(ca);
    putSecret(ns, 'watched', tls(next));
    await waitFor(() => bucket.last(`${ns}.watched`)?.leafFingerprint === next.fingerprint, {
      what: 'MODIFIED published',
    });
    api.delete(SECRETS, ns, 'watched');
    await waitFor(() => bucket.last(`${ns}.watched`)?.state === 'deleted', { what: 'DELETED published' });
    expect(await rows('watched')).toEqual([
      '1 created kubernetes',
      '2 updated kubernetes',
      '3 deleted kubernetes',
    ]);
    expect(bucket.count(`${ns}.watched`)).toBe(3);
  });

  it('resumes a closed watch from the last resourceVersion, including a bookmark, without duplicates', async () => {
    const source = service.runtime.kubernetes!;
    const marker = leafFor(ca);
    putSecret(ns, 'marker', tls(marker));
    await waitFor(() => bucket.last(`${ns}.marker`)?.leafFingerprint === marker.fingerprint, {
      what: 'marker published',
    });
    const rv = api.bookmark();
    await waitFor(() => source.resourceVersion(ns) === rv, { what: 'bookmark read' });
    const watchesBefore = api.requests.filter((r) => r.verb === 'watch').length;
    api.closeWatches();
    await waitFor(() => api.requests.filter((r) => r.verb === 'watch').length === watchesBefore + 1, {
      what: 'watch resumed',
    });
    expect(api.requests.filter((r) => r.verb === 'watch').at(-1)!.resourceVersion).toBe(rv);
    expect(api.requests.filter((r) => r.verb === 'list')).toHaveLength(1); // no re-list needed
    await waitFor(() => api.watchers() === 1, { what: 'watch open again' });
    expect(await rows('marker')).toEqual(['1 created kubernetes']);
    expect(bucket.count(`${ns}.marker`)).toBe(1);
  });

  it('re-lists on 410 Gone and catches up on what changed and vanished in the gap', async () => {
    await waitFor(() => api.watchers() === 1, { what: 'watch open' });
    api.closeWatches();
    // While no watch is open the history is compacted; the Secrets change meanwhile.
    const changed = leafFor(ca);
    putSecret(ns, 'listed', tls(changed));
    api.delete(SECRETS, ns, 'marker');
    api.compact();
    await waitFor(() => api.requests.filter((r) => r.verb === 'list').length === 2, {
      what: 're-list after 410',
    });
    await waitFor(() => bucket.last(`${ns}.listed`)?.leafFingerprint === changed.fingerprint, {
      what: 'change in the gap applied',
    });
    await waitFor(() => bucket.last(`${ns}.marker`)?.state === 'deleted', {
      what: 'deletion in the gap applied',
    });
    expect(await rows('listed')).toEqual(['1 created kubernetes', '2 updated kubernetes']);
    expect(await rows('marker')).toEqual(['1 created kubernetes', '2 deleted kubernetes']);
  });

  it('precedence: the same Secret from the API loses to Kubernetes and is reported, not merged', async () => {
    const reply = await commands.send<any>(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'listed', leafFor(ca))),
    );
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.result.outcome).toBe('unchanged');
    expect(reply.result.warnings).toEqual([
      `Secret/${ns}/listed: source api is shadowed by source kubernetes, which takes precedence`,
    ]);
    expect(await rows('listed')).toEqual(['1 created kubernetes', '2 updated kubernetes']);
    const get = await commands.send(Subjects.secrets.get, {
      schemaVersion: 1,
      namespace: ns,
      name: 'listed',
    });
    expect(get).toMatchObject({ ok: true, result: { source: 'kubernetes' } });
  });
});
