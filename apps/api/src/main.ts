import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, PinoNestLogger } from '#keyway/observability';
import { AppModule } from './app.module.js';
import { configureHttp } from './http-setup.js';
import { startHttpsListener } from './https-listener.js';
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
if (config.HTTPS_PORT !== undefined) {
  const secure = await startHttpsListener(
    app.getHttpAdapter().getInstance(),
    {
      port: config.HTTPS_PORT,
      host: config.HTTP_HOST,
      certFile: config.HTTPS_CERT_FILE!,
      keyFile: config.HTTPS_KEY_FILE!,
      reloadSeconds: config.HTTPS_RELOAD_SECONDS,
    },
    logger,
  );
  // Nest's shutdown hooks close the plain server; this one stops taking requests at the same signal.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void secure.close());
  logger.info({ url: `https://${config.HTTP_HOST}:${secure.port}` }, 'api listening (HTTPS)');
}
