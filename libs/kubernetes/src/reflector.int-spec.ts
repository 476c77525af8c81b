/**
 * The reflector (#16.1) against a simulated API server over real HTTP: list then watch, a bookmark
 * moving the resume point, a closed watch resumed without duplicates, 410 Gone re-listing, and a
 * failing server backed off rather than hammered.
 */
import { SimulatedKubernetesApi, waitFor } from '#keyway/testing';
import { KubernetesClient } from './kubernetes-client.js';
import { Reflector } from './reflector.js';

interface Obj {
  metadata: { name: string; namespace: string; resourceVersion?: string };
}
const GATEWAYS = '/apis/networking.istio.io/v1/gateways';
const gateway = (name: string) => ({ metadata: { name, namespace: 'a' }, spec: {} });

let api: SimulatedKubernetesApi;
let reflector: Reflector<Obj> | undefined;
const seen: string[] = [];
const errors: string[] = [];
let expired = 0;

function start(path = GATEWAYS, backoff = { baseMs: 50, maxMs: 200 }): Reflector<Obj> {
  reflector = new Reflector<Obj>({
    client: new KubernetesClient({ server: api.url }),
    path,
    backoff,
    onList: (items) => void seen.push(`list ${items.map((i) => i.metadata.name).join(',')}`),
    onEvent: (type, o) => void seen.push(`${type} ${o.metadata.name}`),
    onError: (m) => void errors.push(m),
    onExpired: () => void expired++,
  });
  reflector.start();
  return reflector;
}

beforeEach(async () => {
  seen.length = 0;
  errors.length = 0;
  expired = 0;
  api = new SimulatedKubernetesApi();
  await api.start();
});
afterEach(async () => {
  await reflector?.stop();
  reflector = undefined;
  await api.stop();
});

const watching = () => waitFor(() => api.watchers() > 0, { what: 'a watch open' });

it('lists, then watches from the list version; a closed watch resumes after the last event, once each', async () => {
  api.put(GATEWAYS, gateway('one'));
  const r = start();
  await r.listed;
  await watching();
  api.put(GATEWAYS, gateway('two'));
  await waitFor(() => seen.includes('ADDED two'));
  api.closeWatches();
  await watching();
  api.put(GATEWAYS, gateway('three'));
  await waitFor(() => seen.includes('ADDED three'));
  expect(seen).toEqual(['list one', 'ADDED two', 'ADDED three']);
  const watches = api.requests.filter((q) => q.verb === 'watch');
  expect(watches.map((q) => q.resourceVersion)).toEqual(['101', '102']);
});

it('resumes from a bookmark', async () => {
  const r = start();
  await r.listed;
  await watching();
  const rv = api.bookmark();
  await waitFor(() => r.resourceVersion === rv);
  api.closeWatches();
  await watching();
  expect(api.requests.filter((q) => q.verb === 'watch').at(-1)!.resourceVersion).toBe(rv);
  expect(seen).toEqual(['list ']);
});

it('lists again on 410 Gone, so the owner sees what changed and vanished in the gap', async () => {
  api.put(GATEWAYS, gateway('kept'));
  api.put(GATEWAYS, gateway('dropped'));
  const r = start();
  await r.listed;
  await watching();
  // Changes the watch never sees: the stream is cut, then the history compacted.
  api.closeWatches();
  api.delete(GATEWAYS, 'a', 'dropped');
  api.put(GATEWAYS, gateway('new'));
  api.compact();
  await waitFor(() => seen.length >= 2 && expired === 1, { what: 'a relist' });
  expect(seen.filter((s) => s.startsWith('list'))).toEqual(['list dropped,kept', 'list kept,new']);
});

it('backs off a failing server with growing waits and reports each failure', async () => {
  start('/nothing-here');
  await waitFor(() => errors.length >= 4, { what: 'four failures', timeoutMs: 5000 });
  const lists = api.requests.length;
  expect(errors[0]).toMatch(/HTTP 404/);
  // At 50 ms doubling to a 200 ms cap, four failures take at least 25+50+100 ms; not a hot loop.
  await new Promise((r) => setTimeout(r, 300));
  expect(api.requests.length - lists).toBeLessThanOrEqual(4);
});
