import type { ApplyResult, XdsUpdate } from '#keyway/xds-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { SessionTicketKeys } from '../data-plane/session-tickets.js';

/**
 * The conversation between the gateway's primary process (the ADS stream, the admin port) and its
 * data plane workers, over node:cluster's IPC channel with structured-clone serialization (so
 * Buffers, the ticket keys, arrive as Buffers). Every message is tagged, so nothing else on the
 * channel is mistaken for one.
 */
export const CHANNEL = 'keyway-gateway';

export type AdminQuery = 'config-dump' | 'certificates' | 'worker';

/** Primary -> worker. */
export type ToWorker =
  | { channel: typeof CHANNEL; kind: 'ticket-keys'; keys: SessionTicketKeys }
  | { channel: typeof CHANNEL; kind: 'update'; seq: number; update: XdsUpdate }
  | { channel: typeof CHANNEL; kind: 'query'; seq: number; query: AdminQuery }
  | { channel: typeof CHANNEL; kind: 'metrics'; seq: number }
  | { channel: typeof CHANNEL; kind: 'shutdown' };

export type WorkerMetrics = Array<MetricObjectWithValues<MetricValue<string>>>;

/** Worker -> primary. */
export type FromWorker =
  | { channel: typeof CHANNEL; kind: 'started' }
  /** An update applied (or refused), and whether this worker now serves every listener. */
  | { channel: typeof CHANNEL; kind: 'applied'; seq: number; result: ApplyResult; ready: boolean }
  | { channel: typeof CHANNEL; kind: 'subscribe'; typeUrl: string; names: string[] }
  | { channel: typeof CHANNEL; kind: 'answer'; seq: number; body: Record<string, unknown> }
  | { channel: typeof CHANNEL; kind: 'metrics'; seq: number; metrics: WorkerMetrics };

type Untagged<T> = T extends unknown ? Omit<T, 'channel'> : never;

export function message<T extends ToWorker | FromWorker>(body: Untagged<T>): T {
  return { channel: CHANNEL, ...body } as T;
}

export function isGatewayMessage<T extends ToWorker | FromWorker>(value: unknown): value is T {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { channel?: unknown }).channel === CHANNEL &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}
