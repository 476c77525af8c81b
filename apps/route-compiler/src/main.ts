import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransport, runAsLeader } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { routeCompilerConfig } from './config.js';
import { RouteCompilerModule } from './route-compiler.module.js';

const config = routeCompilerConfig.load();
const logger = createLogger({
  service: 'route-compiler',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const nats = { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD };
// One compiler publishes snapshots at a time: replicas beyond the first wait as standbys.
await runAsLeader({
  role: 'route-compiler',
  nats: { ...nats, name: 'route-compiler' },
  kvReplicas: config.NATS_KV_REPLICAS,
  ttlMs: config.LEADER_LEASE_MS,
  replicaId: config.REPLICA_ID,
  logger,
  ops: { port: config.HTTP_PORT, host: config.OPS_HOST },
  start: async () => {
    const app = await NestFactory.createMicroservice(RouteCompilerModule.register(config, logger), {
      ...natsTransport({ ...nats, queue: 'route-compiler' }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    return app;
  },
});
