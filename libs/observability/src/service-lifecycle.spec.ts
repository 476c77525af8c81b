import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { createMetricsRegistry } from './metrics.js';
import { serviceLifecycle, type ServiceSkeleton } from './service-lifecycle.js';

const DEP = Symbol('dep');

/** A real Nest application context whose only provider besides DEP is the service's lifecycle. */
async function run(skeleton: (events: string[]) => Omit<ServiceSkeleton, 'logger' | 'service'>) {
  const events: string[] = [];
  const lines: Array<{ msg: string; step?: string; port?: number }> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  @Module({
    providers: [
      { provide: DEP, useValue: 'injected' },
      serviceLifecycle([DEP], (dep: string) => {
        events.push(`skeleton got ${dep}`);
        return { service: 'svc', logger, ...skeleton(events) };
      }),
    ],
  })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  app.enableShutdownHooks();
  return { app, events, lines };
}

describe('ServiceLifecycle', () => {
  it('starts prepare, the ops server, start; stops the ops server first, then each step in order', async () => {
    let port = 0;
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    const { app, events, lines } = await run((e) => ({
      ops: { port: 0, metrics: createMetricsRegistry('svc') },
      health: { db: () => ({ ok: true }), skipped: undefined },
      prepare: async () => void e.push('prepare'),
      start: async (health) => {
        e.push('start');
        health.register('late', () => ({ ok: true }));
      },
      stop: [
        ['first', () => void e.push('stop first')],
        ['second', () => void e.push('stop second')],
      ],
    }));
    await app.init();
    port = lines.find((l) => l.msg === 'svc ready')!.port!;
    expect(await ready()).toBe(200);
    const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: object };
    expect(Object.keys(body.checks).sort()).toEqual(['db', 'late']);
    await app.close();
    await expect(ready()).rejects.toThrow();
    expect(events).toEqual(['skeleton got injected', 'prepare', 'start', 'stop first', 'stop second']);
    expect(lines.at(-1)!.msg).toBe('svc stopped');
  });

  it('runs every stop step even when one fails, and logs the failed step by name', async () => {
    const { app, events, lines } = await run((e) => ({
      stop: [
        ['breaks', () => Promise.reject(new Error('connection already closed'))],
        ['after', () => void e.push('after ran')],
      ],
    }));
    await app.init();
    await app.close();
    expect(events).toContain('after ran');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'svc: a shutdown step failed', step: 'breaks' }),
      ]),
    );
  });
});
