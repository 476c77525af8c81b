import cluster from 'node:cluster';
import { createMetricsRegistry, type Logger } from '#keyway/observability';
import type { GatewayConfig } from '../config.js';
import { Gateway } from '../gateway.js';
import { parsePortMap } from '../model/port-map.js';
import { isGatewayMessage, message, type FromWorker, type ToWorker } from './worker-messages.js';

/**
 * A data plane worker: a whole Gateway (listeners, chains, pools) without an xDS stream of its own.
 * The primary hands it every xDS response in order; it applies each one and answers with the
 * result, which the primary folds into the one ACK or NACK it sends. Listener ports are shared
 * through node:cluster, which spreads new connections over the workers.
 */
export function runDataPlaneWorker(config: GatewayConfig, logger: Logger): void {
  const worker = cluster.worker;
  if (!worker) throw new Error('runDataPlaneWorker runs in a node:cluster worker');
  const index = worker.id - 1;
  const log = logger.child({ worker: index });
  const gateway = new Gateway({
    logger: log,
    metrics: createMetricsRegistry('gateway'),
    portMap: parsePortMap(config.GATEWAY_PORT_MAP),
    bindAddress: config.GATEWAY_BIND_ADDRESS,
    worker: String(index),
  });
  const send = (m: FromWorker) => {
    if (process.connected) process.send!(m);
  };
  // Every worker follows the same references; one of them tells the primary what to subscribe to.
  gateway.onSubscriptions((typeUrl, names) => {
    if (index === 0) send(message<FromWorker>({ kind: 'subscribe', typeUrl, names }));
  });
  // Updates apply strictly in the order the primary sent them.
  let applying: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await applying.catch(() => undefined);
    await gateway.close();
    process.exit(0);
  };
  process.on('message', (raw: unknown) => {
    if (!isGatewayMessage<ToWorker>(raw)) return;
    switch (raw.kind) {
      case 'ticket-keys':
        gateway.setTicketKeys(raw.keys);
        return;
      case 'update':
        applying = applying.then(async () => {
          const result = await gateway.onUpdate(raw.update).catch((e: unknown) => ({
            ok: false as const,
            message: e instanceof Error ? e.message : String(e),
          }));
          send(message<FromWorker>({ kind: 'applied', seq: raw.seq, result, ready: gateway.isReady() }));
        });
        return;
      case 'query':
        send(
          message<FromWorker>({
            kind: 'answer',
            seq: raw.seq,
            body:
              raw.query === 'config-dump'
                ? gateway.configDump()
                : raw.query === 'certificates'
                  ? gateway.certificates()
                  : { ...gateway.workers()[0] },
          }),
        );
        return;
      case 'metrics':
        void gateway.metricsRegistry
          .getMetricsAsJSON()
          .then((metrics) => send(message<FromWorker>({ kind: 'metrics', seq: raw.seq, metrics })));
        return;
      case 'shutdown':
        void stop();
        return;
    }
  });
  // The primary decides when workers stop; a terminal's Ctrl-C reaches the whole process group.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // Without the primary there is no configuration and no admin port: leave with it.
  process.on('disconnect', () => void stop());
  send(message<FromWorker>({ kind: 'started' }));
  log.info({ pid: process.pid }, 'gateway data plane worker started');
}
