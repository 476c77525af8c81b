import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { defineConfig, Variables } from '#keyway/config';
import { Keyring } from '#keyway/key-material';
import { natsTransport } from '#keyway/messaging';
import { FakeServicesModule, FakeState } from './fake-services.js';

/**
 * Runs the test double as a process, for tests that drive the api from outside (the CLI's
 * integration tests). Never started by `npm start`.
 */
const config = defineConfig('api-fake-services', {
  NATS_URL: Variables.NATS_URL,
  KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
}).load();
const app = await NestFactory.createMicroservice(
  FakeServicesModule.register(new FakeState(), Keyring.parse(config.KEYWAY_DATA_KEYS)),
  { ...natsTransport({ url: config.NATS_URL }), logger: false },
);
app.enableShutdownHooks();
await app.listen();
process.stdout.write('fake services ready\n');
