import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransport, runAsLeader } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { secretWatcherConfig } from './config.js';
import { SecretWatcherModule } from './secret-watcher.module.js';

const config = secretWatcherConfig.load();
const logger = createLogger({
  service: 'secret-watcher',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const nats = { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD };
// One writer of the audit log at a time: replicas beyond the first wait as standbys.
await runAsLeader({
  role: 'secret-watcher',
  nats: { ...nats, name: 'secret-watcher' },
  kvReplicas: config.NATS_KV_REPLICAS,
  ttlMs: config.LEADER_LEASE_MS,
  replicaId: config.REPLICA_ID,
  logger,
  ops: { port: config.HTTP_PORT, host: config.OPS_HOST },
  start: async (leadership) => {
    const fence = {
      role: 'secret-watcher',
      token: leadership.token,
      onFenced: () => leadership.abandon('a newer leader wrote the audit log'),
    };
    const app = await NestFactory.createMicroservice(SecretWatcherModule.register(config, logger, fence), {
      ...natsTransport({ ...nats, queue: 'secret-watcher' }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    return app;
  },
});
