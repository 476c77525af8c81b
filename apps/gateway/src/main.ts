import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { gatewayConfig } from './config.js';
import { GatewayModule } from './gateway.module.js';

// The gateway speaks xDS, not NATS: a standalone Nest application context, no transport.
const config = gatewayConfig.load();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const app = await NestFactory.createApplicationContext(GatewayModule.register(config, logger), {
  logger: new PinoNestLogger(logger),
});
app.enableShutdownHooks();
await app.init();
