import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransport } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { secretWatcherConfig } from './config.js';
import { SecretWatcherModule } from './secret-watcher.module.js';

const config = secretWatcherConfig.load();
const logger = createLogger({
  service: 'secret-watcher',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const app = await NestFactory.createMicroservice(SecretWatcherModule.register(config, logger), {
  ...natsTransport({
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    queue: 'secret-watcher',
  }),
  logger: new PinoNestLogger(logger),
});
app.enableShutdownHooks();
await app.listen();
