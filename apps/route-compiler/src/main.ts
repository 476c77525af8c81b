import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { leaderSettings, natsTransport, runAsLeader } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { postgresReachable } from '#keyway/persistence';
import { routeCompilerConfig } from './config.js';
import { RouteCompilerModule } from './route-compiler.module.js';

const config = routeCompilerConfig.load();
const logger = createLogger({
  service: 'route-compiler',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const nats = { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD };
// One compiler publishes snapshots at a time: replicas beyond the first wait as standbys.
await runAsLeader({
  ...leaderSettings('route-compiler', config, logger),
  probe: postgresReachable(config.DATABASE_URL),
  start: async () => {
    const app = await NestFactory.createMicroservice(RouteCompilerModule.register(config, logger), {
      ...natsTransport({ ...nats, queue: 'route-compiler' }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    return app;
  },
});
