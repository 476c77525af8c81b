import { sampleServiceEntries, startSamples, type RunningSample } from './sample-servers.js';
import { TEAPOT } from './httpbin.js';

describe('sample upstreams', () => {
  let samples: RunningSample[];
  beforeAll(async () => {
    samples = await startSamples({ httpbin: 0, helloworld: 0 });
  });
  afterAll(async () => {
    await Promise.all(samples.map((s) => s.close()));
  });
  const url = (name: string, p: string) =>
    `http://127.0.0.1:${samples.find((s) => s.name === name)!.port}${p}`;

  it('httpbin answers /status/418 with the teapot', async () => {
    const res = await fetch(url('httpbin', '/status/418'));
    expect(res.status).toBe(418);
    expect(await res.text()).toBe(TEAPOT);
  });

  it('httpbin answers other status codes, /headers and /delay', async () => {
    expect((await fetch(url('httpbin', '/status/503'))).status).toBe(503);
    const headers = (await (
      await fetch(url('httpbin', '/headers'), { headers: { 'x-probe': 'yes' } })
    ).json()) as {
      headers: Record<string, string>;
    };
    expect(headers.headers['X-Probe']).toBe('yes');
    expect((await fetch(url('httpbin', '/delay/0'))).status).toBe(200);
    expect((await fetch(url('httpbin', '/nope'))).status).toBe(404);
  });

  it('helloworld-v1 answers /hello', async () => {
    const res = await fetch(url('helloworld-v1', '/hello'));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^Hello version: v1, instance: /);
  });

  it('registers the samples as httpbin:8000 and helloworld-v1:5000', () => {
    const entries = sampleServiceEntries(samples) as Array<{
      spec: { hosts: string[]; ports: Array<{ number: number }> };
    }>;
    expect(entries.map((e) => [e.spec.hosts[0], e.spec.ports[0].number])).toEqual([
      ['httpbin.default.svc.cluster.local', 8000],
      ['helloworld-v1.default.svc.cluster.local', 5000],
    ]);
  });
});
