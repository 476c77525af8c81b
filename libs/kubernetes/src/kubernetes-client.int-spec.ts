/**
 * The one Kubernetes client (#16.1) against a simulated API server over real HTTP(S): list pages,
 * an expired continue token, the token file read again (on its period and after a 401), a CA file,
 * and bounded watch events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpensslTestCa, SimulatedKubernetesApi } from '#keyway/testing';
import { KubernetesClient, type WatchEvent } from './kubernetes-client.js';

const SECRETS = '/api/v1/secrets';
const secret = (namespace: string, name: string) => ({
  metadata: { name, namespace },
  type: 'Opaque',
  data: {},
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-kube-client-'));
let api: SimulatedKubernetesApi;

beforeEach(async () => {
  api = new SimulatedKubernetesApi();
  await api.start();
});
afterEach(() => api.stop());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('list', () => {
  it('follows continue tokens page by page and returns one resourceVersion', async () => {
    for (let i = 0; i < 5; i++) api.put(SECRETS, secret('a', `s${i}`));
    const client = new KubernetesClient({ server: api.url, pageSize: 2 });
    const list = await client.list<{ metadata: { name: string } }>('/api/v1/namespaces/a/secrets');
    expect(list.items.map((s) => s.metadata.name)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(list.resourceVersion).toBe('105');
    expect(api.requests.map((r) => [r.verb, r.namespace, r.limit, r.continue !== undefined])).toEqual([
      ['list', 'a', '2', false],
      ['list', 'a', '2', true],
      ['list', 'a', '2', true],
    ]);
  });

  it('starts over when a continue token expired (410) between pages', async () => {
    for (let i = 0; i < 3; i++) api.put(SECRETS, secret('a', `s${i}`));
    const client = new KubernetesClient({ server: api.url, pageSize: 2 });
    let compacted = false;
    const original = api.requests.push.bind(api.requests);
    api.requests.push = (...r) => {
      // Compaction after the first page was served, once.
      if (!compacted && api.requests.length === 1) {
        compacted = true;
        api.put(SECRETS, secret('a', 's3'));
        api.compact();
      }
      return original(...r);
    };
    const list = await client.list<{ metadata: { name: string } }>(SECRETS);
    expect(list.items.map((s) => s.metadata.name)).toEqual(['s0', 's1', 's2', 's3']);
    expect(api.requests.map((r) => r.continue !== undefined)).toEqual([false, true, false, true]);
  });

  it('names the path and status of a refused list', async () => {
    const client = new KubernetesClient({ server: api.url });
    await expect(client.list('/nowhere')).rejects.toThrow(/GET \/nowhere: HTTP 404/);
  });
});

describe('the bearer token', () => {
  const tokenFile = path.join(dir, 'token');

  it('is read again from its file once it is tokenRereadMs old', async () => {
    fs.writeFileSync(tokenFile, 'first\n');
    let now = 0;
    const client = new KubernetesClient({
      server: api.url,
      tokenFile,
      tokenRereadMs: 60_000,
      now: () => now,
    });
    await client.list(SECRETS);
    fs.writeFileSync(tokenFile, 'second\n');
    now = 59_000;
    await client.list(SECRETS);
    now = 60_000;
    await client.list(SECRETS);
    expect(api.requests.map((r) => r.authorization)).toEqual([
      'Bearer first',
      'Bearer first',
      'Bearer second',
    ]);
  });

  it('is read again at once after a 401 (rotated on disk), and the request retried', async () => {
    fs.writeFileSync(tokenFile, 'old');
    const client = new KubernetesClient({ server: api.url, tokenFile });
    await client.list(SECRETS);
    api.token = 'new';
    fs.writeFileSync(tokenFile, 'new');
    api.put(SECRETS, secret('a', 'after-rotation'));
    const list = await client.list<{ metadata: { name: string } }>(SECRETS);
    expect(list.items.map((s) => s.metadata.name)).toEqual(['after-rotation']);
    expect(api.requests.slice(1).map((r) => r.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });
});

describe('https', () => {
  it('trusts the server through the CA file, and refuses without it', async () => {
    const ca = new OpensslTestCa('kube-api');
    const leaf = ca.issue({ cn: '127.0.0.1', san: 'IP:127.0.0.1', usage: 'serverAuth' });
    const secure = new SimulatedKubernetesApi();
    await secure.start({ cert: leaf.cert, key: leaf.key });
    try {
      secure.put(SECRETS, secret('a', 'over-tls'));
      const trusted = new KubernetesClient({ server: secure.url, caFile: ca.certFile });
      expect((await trusted.list(SECRETS)).items).toHaveLength(1);
      await expect(new KubernetesClient({ server: secure.url }).list(SECRETS)).rejects.toThrow(/certificate/);
    } finally {
      await secure.stop();
    }
  });
});

describe('watch', () => {
  it('streams events from a resourceVersion and ends with null when the server closes', async () => {
    api.put(SECRETS, secret('a', 'before'));
    const client = new KubernetesClient({ server: api.url });
    const { resourceVersion } = await client.list(SECRETS);
    api.put(SECRETS, secret('a', 'after'));
    const events: WatchEvent[] = [];
    const handle = client.watch(SECRETS, { resourceVersion }, (e) => events.push(e));
    while (api.watchers() === 0) await new Promise((r) => setTimeout(r, 10));
    api.delete(SECRETS, 'a', 'after');
    api.closeWatches();
    expect(await handle.done).toBeNull();
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'after'],
      ['DELETED', 'after'],
    ]);
  });

  it('ends with an error on an event longer than its bound, before holding it whole', async () => {
    api.put(SECRETS, { metadata: { name: 'huge', namespace: 'a' }, data: { x: 'y'.repeat(200_000) } });
    const client = new KubernetesClient({ server: api.url, maxEventBytes: 100_000 });
    const handle = client.watch(SECRETS, { resourceVersion: '100' }, () => undefined);
    expect(String(await handle.done)).toMatch(/an event is over 100000 characters/);
  });
});
