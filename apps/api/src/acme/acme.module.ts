import { randomBytes } from 'node:crypto';
import { Inject, Module, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openServiceDatabase } from '#keyway/persistence';
import { API_MIGRATIONS } from '../migrations/index.js';
import type { Logger } from 'pino';
import { NonceBook, parseHostPort, parseValidationHosts } from '#keyway/acme';
import type { Keyring } from '#keyway/key-material';
import { TokenBucketLimiter } from '../auth/rate-limiter.js';
import type { ApiConfig } from '../config.js';
import type { CommandSender } from '../forwarder.js';
import { COMMANDS, CONFIG, DATA_SOURCE, KEYRING, LOGGER } from '../tokens.js';
import { AcmeService } from './acme-service.js';
import { AcmeStore } from './acme-store.js';
import { AcmeController } from './acme.controller.js';
import { ACME_ISSUERS, ACME_RUNTIME, ACME_SERVICE, ACME_STORE } from './acme.tokens.js';
import { ChallengeValidator } from './challenge-validator.js';
import { EabController } from './eab.controller.js';
import { IssuerDirectory } from './issuer-directory.js';
import { ValidationQueue } from './validation-queue.js';

/** The validator and the queue, closed at shutdown once running validations are done. */
class AcmeRuntime implements OnModuleDestroy {
  store?: AcmeStore;

  constructor(
    readonly validator: ChallengeValidator,
    readonly queue: ValidationQueue,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.queue.idle();
    this.validator.close();
    await this.store?.close();
  }
}

/**
 * The ACME server (RFC 8555) under `/acme/<issuer>/` and the EAB keys under `/v1/acme/eab`
 * (docs/acme.md). Uses the api's data source, NATS commands, keyring, config and logger, which the
 * app module exports.
 */
@Module({
  controllers: [AcmeController, EabController],
  providers: [
    {
      // Its own pool: an order is several short statements, and a busy ACME server should neither
      // wait behind nor starve the api's other routes. Opened once the api's own data source has
      // migrated (or verified) the schema, so it only verifies.
      provide: ACME_STORE,
      inject: [DATA_SOURCE, CONFIG],
      useFactory: async (_migrated: DataSource, config: ApiConfig) =>
        new AcmeStore(
          await openServiceDatabase({
            url: config.DATABASE_URL,
            schema: 'api',
            entities: [],
            migrations: API_MIGRATIONS,
            migrate: false,
            poolSize: config.ACME_DATABASE_POOL_SIZE,
          }),
        ),
    },
    {
      provide: ACME_ISSUERS,
      inject: [COMMANDS],
      useFactory: (commands: CommandSender) => new IssuerDirectory(commands),
    },
    {
      provide: ACME_RUNTIME,
      inject: [CONFIG, LOGGER],
      useFactory: (config: ApiConfig, logger: Logger) =>
        new AcmeRuntime(
          new ChallengeValidator({
            hosts: parseValidationHosts(config.ACME_VALIDATION_HOSTS),
            http01Port: config.ACME_HTTP01_PORT,
            tlsAlpn01Port: config.ACME_TLSALPN01_PORT,
            dnsServer: config.ACME_DNS_SERVER ? parseHostPort(config.ACME_DNS_SERVER, 53) : undefined,
            timeoutMs: config.ACME_VALIDATION_TIMEOUT_MS,
            maxRedirects: config.ACME_MAX_REDIRECTS,
          }),
          new ValidationQueue(
            config.ACME_VALIDATION_CONCURRENCY,
            config.ACME_VALIDATION_CONCURRENCY * 16,
            (e) => logger.error({ err: e.message }, 'acme validation failed unexpectedly'),
          ),
        ),
    },
    {
      provide: ACME_SERVICE,
      inject: [ACME_STORE, COMMANDS, KEYRING, ACME_RUNTIME, CONFIG, LOGGER],
      useFactory: (
        store: AcmeStore,
        commands: CommandSender,
        keyring: Keyring,
        runtime: AcmeRuntime,
        config: ApiConfig,
        logger: Logger,
      ) => {
        runtime.store = store;
        return new AcmeService(
          store,
          commands,
          keyring,
          new NonceBook({
            capacity: config.ACME_NONCE_CAPACITY,
            ttlMs: config.ACME_NONCE_TTL_SECONDS * 1000,
            now: Date.now,
            random: () => randomBytes(16).toString('base64url'),
          }),
          new TokenBucketLimiter(config.ACME_RATE_LIMIT_PER_SECOND, config.ACME_RATE_LIMIT_BURST),
          runtime.queue,
          runtime.validator,
          {
            requireEab: config.ACME_REQUIRE_EAB,
            defaultTeam: config.ACME_DEFAULT_TEAM,
            maxIdentifiers: config.ACME_MAX_IDENTIFIERS,
            orderLifetimeMs: config.ACME_ORDER_LIFETIME_SECONDS * 1000,
            authzLifetimeMs: config.ACME_AUTHZ_LIFETIME_SECONDS * 1000,
            maxListedOrders: 1000,
            challengeWaitMs: config.ACME_CHALLENGE_WAIT_MS,
          },
          logger,
        );
      },
    },
  ],
})
export class AcmeModule {
  constructor(@Inject(ACME_RUNTIME) readonly runtime: AcmeRuntime) {}
}
