import type { LeaderFence } from '#keyway/persistence';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ServerNats } from '@nestjs/microservices';
import type { Registry } from 'prom-client';
import fs from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams, Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { CommandClient, SignedCheckpoints, connectNats, natsTransportHealth } from '#keyway/messaging';
import { createMetricsRegistry, serviceLifecycle, type Logger } from '#keyway/observability';
import { exportCursorStore, openServiceDatabase, postgresHealth, type DataSource } from '#keyway/persistence';
import { auditExporterFor, type AuditExporter } from '#keyway/audit-export';
import { createCaCore, type CaCore } from './ca-core.js';
import { caRecordExport, caRecordHead, caRowHashesAt } from './ca-records.js';
import { CA_CORE, CaHandler } from './ca.handler.js';
import { CaRuntime } from './ca-runtime.js';
import { CaTelemetry } from './ca-telemetry.js';
import type { CaConfig } from './config.js';
import { CA_MIGRATIONS } from './migrations/index.js';

const DATA_SOURCE = Symbol('CA_DATA_SOURCE');
const SECRETS_CLIENT = Symbol('CA_SECRETS_CLIENT');
const TRANSPORT = Symbol('CA_TRANSPORT');
const METRICS = Symbol('CA_METRICS');
const RECORD_OUTLETS = Symbol('CA_RECORD_OUTLETS');

/**
 * Where the CA's record goes besides Postgres, on one NATS connection of their own: its signed
 * checkpoints (AUDIT_CHECKPOINT_KEY_FILE) and its audit device (AUDIT_SINK); null with neither.
 */
interface CaRecordOutlets {
  nc: NatsConnection;
  signer?: SignedCheckpoints;
  exporter?: AuditExporter;
}

@Module({})
export class CaModule {
  /** `transport` is the NATS server the app is created with (`{ strategy: transport }`). */
  /** `fence`: the leader's fencing token (main.ts, active-standby), checked by every record write. */
  static register(
    config: CaConfig,
    logger: Logger,
    transport: ServerNats,
    fence?: LeaderFence,
  ): DynamicModule {
    return {
      module: CaModule,
      controllers: [CaHandler],
      providers: [
        { provide: TRANSPORT, useValue: transport },
        { provide: METRICS, useFactory: () => createMetricsRegistry('ca') },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            openServiceDatabase({
              url: config.DATABASE_URL,
              schema: 'ca',
              entities: [],
              migrations: CA_MIGRATIONS,
              migrate: config.DATABASE_MIGRATIONS === 'run',
            }),
        },
        {
          provide: SECRETS_CLIENT,
          useFactory: async () => {
            const client = new CommandClient({
              url: config.NATS_URL,
              user: config.NATS_USER,
              password: config.NATS_PASSWORD,
            });
            await client.connect();
            return client;
          },
        },
        {
          provide: RECORD_OUTLETS,
          inject: [DATA_SOURCE],
          useFactory: async (ds: DataSource): Promise<CaRecordOutlets | null> => {
            if (!config.AUDIT_CHECKPOINT_KEY_FILE && !config.AUDIT_SINK) return null;
            const nc = await connectNats(
              { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, name: 'ca' },
              logger,
            );
            const signer =
              config.AUDIT_CHECKPOINT_KEY_FILE &&
              new SignedCheckpoints(nc, {
                stream: Streams.caCheckpoints,
                writer: 'ca',
                privateKey: fs.readFileSync(config.AUDIT_CHECKPOINT_KEY_FILE, 'utf8'),
                intervalMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
                // One chain, read back from the database: its writes count rows (record-guard.ts).
                everyRows: config.AUDIT_CHECKPOINT_ROWS,
                file: config.AUDIT_CHECKPOINT_FILE,
                replicas: config.NATS_KV_REPLICAS,
                logger,
                currentHeads: () => caRecordHead(ds),
                rowHashesAt: (chains) => caRowHashesAt(ds, chains),
              });
            // The record is read for new rows every AUDIT_SINK_POLL_MS.
            const exporter = auditExporterFor(
              config,
              { after: (cursor, limit) => caRecordExport(ds, cursor, limit), ...exportCursorStore(ds) },
              nc,
              logger,
            );
            return { nc, signer: signer || undefined, exporter };
          },
        },
        {
          provide: CA_CORE,
          inject: [DATA_SOURCE, SECRETS_CLIENT, METRICS, RECORD_OUTLETS],
          useFactory: (
            ds: DataSource,
            secrets: CommandClient,
            metrics: Registry,
            outlets: CaRecordOutlets | null,
          ) =>
            createCaCore({
              ds,
              masterKeys: Keyring.parse(config.CA_MASTER_KEYS),
              dataKeys: Keyring.parse(config.KEYWAY_DATA_KEYS),
              secrets: { apply: (request) => secrets.send(Subjects.secrets.apply, request) },
              crlValiditySeconds: config.CA_CRL_VALIDITY_SECONDS,
              backdateSeconds: config.CA_BACKDATE_SECONDS,
              telemetry: (authorities) => new CaTelemetry(metrics, authorities),
              fence,
              checkpoints: outlets?.signer,
              device: outlets?.exporter,
            }),
        },
        // Background work (CRL refresh, renewals), the checkpoint signer and the audit device start
        // once the ops server listens; the last records are checkpointed before the connections close.
        serviceLifecycle(
          [DATA_SOURCE, SECRETS_CLIENT, CA_CORE, TRANSPORT, METRICS, RECORD_OUTLETS],
          (
            ds: DataSource,
            secrets: CommandClient,
            core: CaCore,
            transport: ServerNats,
            metrics: Registry,
            outlets: CaRecordOutlets | null,
          ) => {
            const runtime = new CaRuntime(core, logger, {
              crlRefreshSeconds: config.CA_CRL_REFRESH_SECONDS,
              renewalCheckSeconds: config.CA_RENEWAL_CHECK_SECONDS,
            });
            return {
              service: 'ca',
              logger,
              ops: { port: config.OPS_PORT, host: config.OPS_HOST, metrics },
              health: {
                postgres: () => postgresHealth(ds),
                // The connection keyway.ca.* commands arrive on: not ready until the app listens,
                // nor while NATS is unreachable.
                nats: () => natsTransportHealth(transport),
                'audit-sink': outlets?.exporter && (() => outlets.exporter!.health()),
              },
              start: async () => {
                await runtime.start();
                await outlets?.signer?.start();
                await outlets?.exporter?.start();
              },
              stop: [
                ['background work', () => runtime.stop()],
                ['issuance recorder', () => core.recorder.idle()],
                ['checkpoints', () => outlets?.signer?.stop()],
                ['audit device', () => outlets?.exporter?.stop()],
                ['record nats', () => outlets?.nc.drain()],
                ['secrets client', () => secrets.close()],
                ['postgres', () => ds.isInitialized && ds.destroy()],
              ],
            };
          },
        ),
      ],
    };
  }
}
