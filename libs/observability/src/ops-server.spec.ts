import { HealthRegistry } from './health.js';
import { createMetricsRegistry } from './metrics.js';
import { OpsServer } from './ops-server.js';

describe('ops server', () => {
  it('reports readiness from every check and serves metrics', async () => {
    const health = new HealthRegistry();
    let postgresUp = true;
    health.register('nats', () => ({ ok: true }));
    health.register('postgres', () =>
      postgresUp ? { ok: true } : { ok: false, detail: 'connection refused' },
    );
    const server = new OpsServer({ port: 0, health, metrics: createMetricsRegistry('t') });
    const port = await server.start();
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      postgresUp = false;
      const notReady = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({
        status: 'unavailable',
        checks: { nats: { ok: true }, postgres: { ok: false, detail: 'connection refused' } },
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(scraped).toContain('keyway_process_cpu');
      // Readiness as a gauge, read at scrape time: postgres is failing now.
      expect(scraped).toMatch(/keyway_readiness_check_up\{check="postgres",service="t"\} 0/);
      expect(scraped).toMatch(/keyway_readiness_check_up\{check="nats",service="t"\} 1/);
    } finally {
      await server.stop();
    }
  });

  it('listens only on the host it is given', async () => {
    // 127.0.0.2 is loopback on Linux but not the address 127.0.0.1 clients dial.
    const server = new OpsServer({
      port: 0,
      host: '127.0.0.2',
      health: new HealthRegistry(),
      metrics: createMetricsRegistry('t'),
    });
    const port = await server.start();
    try {
      expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });
});
