import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { leaderSettings, natsTransportServer, runAsLeader } from '#keyway/messaging';
import { PinoNestLogger, createLogger } from '#keyway/observability';
import { postgresReachable } from '#keyway/persistence';
import { CaModule } from './ca.module.js';
import { caConfig } from './config.js';

const config = caConfig.load();
const logger = createLogger({ service: 'ca', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const nats = { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD };
// One ca renews and re-signs CRLs at a time: replicas beyond the first wait as standbys.
await runAsLeader({
  ...leaderSettings('ca', config, logger),
  probe: postgresReachable(config.DATABASE_URL),
  start: async (leadership) => {
    const fence = {
      role: 'ca',
      token: leadership.token,
      onFenced: () => leadership.abandon('a newer leader wrote the ca records'),
    };
    // Created here and handed to the module too, so readiness asks the connection commands arrive on.
    const transport = natsTransportServer({ ...nats, queue: 'ca' });
    const app = await NestFactory.createMicroservice(CaModule.register(config, logger, transport, fence), {
      strategy: transport,
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    return app;
  },
});
