import { Writable } from 'node:stream';
import { createLogger } from '#keyway/observability';
import { Registry } from 'prom-client';
import { Gateway } from '../gateway.js';

/** A gateway bound to 127.0.0.1 with every listener on a free port (443 and 80 map to 0). */
export function testGateway(): { gateway: Gateway; registry: Registry } {
  const registry = new Registry();
  const logger = createLogger({
    service: 'gateway-test',
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const gateway = new Gateway({
    logger,
    metrics: registry,
    bindAddress: '127.0.0.1',
    portMap: new Map([
      [443, 0],
      [80, 0],
      [8443, 0],
      [8080, 0],
    ]),
    inspectTimeoutMs: 2000,
  });
  return { gateway, registry };
}
