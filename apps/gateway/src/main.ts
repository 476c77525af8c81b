import 'reflect-metadata';
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { gatewayConfig } from './config.js';
import { GatewayModule } from './gateway.module.js';
import { runDataPlaneWorker } from './workers/data-plane-worker.js';

const config = gatewayConfig.load();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
if (cluster.isWorker) {
  // A data plane worker: configuration comes from the primary over IPC, not from Nest or xDS.
  runDataPlaneWorker(config, logger);
} else {
  // The gateway speaks xDS, not NATS: a standalone Nest application context, no transport.
  const app = await NestFactory.createApplicationContext(
    GatewayModule.register(config, logger, { workerEntry: fileURLToPath(import.meta.url) }),
    { logger: new PinoNestLogger(logger) },
  );
  app.enableShutdownHooks();
  await app.init();
}
