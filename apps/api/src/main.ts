import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, PinoNestLogger } from '#keyway/observability';
import { AppModule } from './app.module.js';
import { configureHttp } from './http-setup.js';
import { apiConfig } from './config.js';

const config = apiConfig.load();
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, logger), {
  logger: new PinoNestLogger(logger),
  bodyParser: false,
});
configureHttp(app);
app.enableShutdownHooks();
await app.listen(config.HTTP_PORT, config.HTTP_HOST);
logger.info({ url: `http://${config.HTTP_HOST}:${config.HTTP_PORT}` }, 'api listening');
