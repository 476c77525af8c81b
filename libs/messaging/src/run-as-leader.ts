import os from 'node:os';
import { Buckets } from '#keyway/contracts';
import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import { acquireLeadership, type Leadership } from './leader-lease.js';
import { provisionKeywayBucket } from './kv-provisioning.js';
import { connectNats, natsHealth, type NatsSettings } from './nats-connection.js';

export interface RunAsLeaderOptions {
  /** The lease key: one leader per role (`secret-watcher`, `route-compiler`, `ca`). */
  role: string;
  nats: NatsSettings;
  kvReplicas: number;
  ttlMs: number;
  /** REPLICA_ID; default `<hostname>/<pid>`, unique per process (a container restarted keeps pid 1). */
  replicaId?: string;
  logger: Logger;
  /**
   * While standby, the service's ops port answers /healthz, and /readyz while NATS is reachable (a
   * standby is ready to take over; a rollout must not wait on it forever).
   */
  ops: { port: number; host?: string };
  /** Can this replica reach the role's store? A leader that cannot hands over to a standby that can. */
  probe?: () => Promise<boolean>;
  /** Starts the service once this replica leads; `close` stops it. */
  start(leadership: Leadership): Promise<{ close(): Promise<void> }>;
}

/** The settings every active-standby service passes the same way, from its own config. */
export function leaderSettings(
  role: string,
  config: {
    NATS_URL: string;
    NATS_USER?: string;
    NATS_PASSWORD?: string;
    NATS_KV_REPLICAS: number;
    LEADER_LEASE_MS: number;
    REPLICA_ID?: string;
    OPS_PORT: number;
    OPS_HOST?: string;
  },
  logger: Logger,
): Omit<RunAsLeaderOptions, 'start'> {
  return {
    role,
    nats: { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, name: role },
    kvReplicas: config.NATS_KV_REPLICAS,
    ttlMs: config.LEADER_LEASE_MS,
    replicaId: config.REPLICA_ID,
    logger,
    ops: { port: config.OPS_PORT, host: config.OPS_HOST },
  };
}

/**
 * Active-standby for a service that must have one writer: the process waits as a standby (serving only
 * health) until it holds the role's lease, starts the service, and exits when the lease is lost so that
 * the supervisor (npm start, docker, Kubernetes) restarts it as a standby. SIGTERM and SIGINT stop the
 * service and release the lease, so a standby takes over at once instead of after the ttl.
 */
export async function runAsLeader(o: RunAsLeaderOptions): Promise<void> {
  const { logger } = o;
  const holder = o.replicaId ?? `${os.hostname()}/${process.pid}`;
  const nc = await connectNats({ ...o.nats, name: `${o.role}-lease` }, logger);
  const bucket = await provisionKeywayBucket(nc, Buckets.leases, o.kvReplicas);

  let leader = '?';
  const health = new HealthRegistry();
  health.register('nats', () => natsHealth(nc));
  health.register('standby', () => ({ ok: true, detail: `standby: ${leader} leads` }));
  const standbyOps = new OpsServer({
    port: o.ops.port,
    host: o.ops.host,
    health,
    metrics: createMetricsRegistry(o.role),
  });
  let standbyStarted: Promise<unknown> | undefined;

  let shuttingDown = false;
  // Filled in as the replica goes from standby to leader; a signal may arrive at any point.
  const running: { leadership?: Leadership; service?: { close(): Promise<void> } } = {};
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    await running.service?.close().catch((e: Error) => logger.error({ err: e.message }, 'stopping failed'));
    await running.leadership?.release().catch(() => undefined);
    if (standbyStarted) await standbyOps.stop().catch(() => undefined);
    await nc.close().catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0));

  const leadership = await acquireLeadership({
    bucket,
    key: o.role,
    holder,
    ttlMs: o.ttlMs,
    logger,
    probe: o.probe,
    // Only a replica that finds another leading serves health as a standby; the first one goes
    // straight to the service, so a single-replica start never answers ready before it is.
    onStandby: (current) => {
      leader = current;
      standbyStarted ??= standbyOps.start().catch((e: Error) => logger.error({ err: e.message }, 'ops'));
    },
  });
  if (standbyStarted) {
    await standbyStarted;
    await standbyOps.stop();
  }
  running.leadership = leadership;
  running.service = await o.start(leadership);
  void leadership.lost.then((reason) => {
    if (reason === 'released' || shuttingDown) return;
    // At once, not after a graceful close: a standby may take over as soon as the ttl has passed.
    logger.error(
      { role: o.role, reason },
      'no longer the leader: exiting so a restart comes back as a standby',
    );
    process.exit(1);
  });
}
