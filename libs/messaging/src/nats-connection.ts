import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { inboxPrefixOf } from '#keyway/contracts';

export interface NatsSettings {
  url: string;
  user?: string;
  password?: string;
  /** Shown in the server's connection list: the service and replica. */
  name: string;
}

/**
 * Connects with endless reconnects and jittered backoff, and logs one line per state change
 * (disconnected, reconnecting, reconnected, ...), so an outage reads plainly in the logs.
 */
export async function connectNats(settings: NatsSettings, logger?: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: settings.url.replace(/^nats:\/\//, ''),
    user: settings.user,
    pass: settings.password,
    name: settings.name,
    // Each service's NATS user may read only its own replies (libs/contracts nats-permissions.ts).
    inboxPrefix: settings.user ? inboxPrefixOf(settings.user) : undefined,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 250,
    waitOnFirstConnect: false,
    // nats.js otherwise builds an Error (with its stack) on every request in case it fails: with
    // 10,000 proxies' records written through KV puts that was a sixth of the sds-server's CPU.
    // Errors keep their messages; only the caller's stack is missing from them.
    noAsyncTraces: true,
  });
  logger?.info({ server: nc.getServer() }, 'nats connected');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'ping' || s.type === 'update') continue;
      const level = s.type === 'disconnect' || s.type === 'error' ? 'warn' : 'info';
      logger?.[level]({ nats: s.type, server: 'server' in s ? s.server : undefined }, `nats ${s.type}`);
    }
  })().catch(() => undefined);
  return nc;
}

/** Health check: connected and answering a round trip. */
export async function natsHealth(nc: NatsConnection): Promise<{ ok: boolean; detail?: string }> {
  if (nc.isClosed()) return { ok: false, detail: 'connection closed' };
  try {
    const rtt = await nc.rtt();
    return { ok: true, detail: `rtt ${rtt} ms` };
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}
