import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { natsTransport } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { routeCompilerConfig } from './config.js';
import { RouteCompilerModule } from './route-compiler.module.js';

const config = routeCompilerConfig.load();
const logger = createLogger({
  service: 'route-compiler',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const app = await NestFactory.createMicroservice(RouteCompilerModule.register(config, logger), {
  ...natsTransport({
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    queue: 'route-compiler',
  }),
  logger: new PinoNestLogger(logger),
});
app.enableShutdownHooks();
await app.listen();
