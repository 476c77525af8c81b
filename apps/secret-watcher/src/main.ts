import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { leaderSettings, natsTransport, runAsLeader } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { postgresReachable } from '#keyway/persistence';
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
  ...leaderSettings('secret-watcher', config, logger),
  probe: postgresReachable(config.DATABASE_URL),
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
