import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransportServer } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { CaModule } from './ca.module.js';
import { caConfig } from './config.js';

const config = caConfig.load();
const logger = createLogger({ service: 'ca', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
// Created here and handed to the module too, so readiness asks the connection commands arrive on.
const transport = natsTransportServer({
  url: config.NATS_URL,
  user: config.NATS_USER,
  password: config.NATS_PASSWORD,
  queue: 'ca',
});
const app = await NestFactory.createMicroservice(CaModule.register(config, logger, transport), {
  strategy: transport,
  logger: new PinoNestLogger(logger),
});
app.enableShutdownHooks();
await app.listen();
