import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransport } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { sdsConfig } from './config.js';
import { SdsServerModule } from './sds-server.module.js';

const config = sdsConfig.load();
const logger = createLogger({ service: 'sds-server', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const app = await NestFactory.createMicroservice(SdsServerModule.register(config, logger), {
  ...natsTransport({
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    queue: 'sds-server',
  }),
  logger: new PinoNestLogger(logger),
});
app.enableShutdownHooks();
await app.listen();
