import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '#keyway/observability';
import { privateNats as privateNatsServer } from '#keyway/testing';
import { AppModule } from '../app.module.js';
import type { ApiConfig } from '../config.js';
import { configureHttp } from '../http-setup.js';

/**
 * A NATS server of the test's own on a free port: the fake responders must be the only ones
 * answering the service subjects, and other test files run the real services on the shared NATS.
 */
export const privateNats = () => privateNatsServer('keyway-api-nats');

/** The api as it serves (its module, the HTTP setup main.ts applies) on a free 127.0.0.1 port. */
export async function bootApi(
  config: ApiConfig,
  logger: Logger,
  overrides: Parameters<typeof AppModule.register>[2] = {},
): Promise<{ app: NestExpressApplication; base: string }> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, logger, overrides),
    {
      bodyParser: false,
      logger: false,
    },
  );
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}
