import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '#keyway/observability';
import {
  combineApplyResults,
  type ApplyResult,
  type XdsSubscriber,
  type XdsUpdate,
} from '#keyway/xds-client';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { WorkerReport } from '../admin/admin-routes.js';
import type { SessionTicketKeys } from '../data-plane/session-tickets.js';
import {
  isGatewayMessage,
  message,
  type AdminQuery,
  type FromWorker,
  type ToWorker,
  type WorkerMetrics,
} from './worker-messages.js';

export interface WorkerPoolOptions {
  count: number;
  /** The gateway's main module: cluster runs it again for each worker. */
  entry: string;
  logger: Logger;
  /** A worker ended without being asked to: the gateway cannot go on without it. */
  onWorkerLost: (reason: string) => void;
}

interface WorkerState {
  index: number;
  worker: Worker;
  /** Serves every listener's latest configuration (its last apply said so). */
  ready: boolean;
  started: Promise<void>;
}

/** A question sent to some workers: their answers, by worker index, until all are in. */
interface Pending {
  expected: number[];
  results: Map<number, unknown>;
  resolve: (answers: unknown[]) => void;
}

/** How long a worker may take to load before the gateway gives up starting. */
const START_TIMEOUT_MS = 30_000;

/**
 * The gateway's data plane workers, from the primary's side: one xDS subscriber in front of all of
 * them. A response goes to every worker and is ACKed only once every worker applied it, so when the
 * control plane sees the ACK of a new certificate, every worker's next handshake presents it.
 */
export class WorkerPool implements XdsSubscriber {
  readonly #workers: WorkerState[] = [];
  readonly #pending = new Map<number, Pending>();
  #sink: (typeUrl: string, names: string[]) => void = () => undefined;
  #keys?: SessionTicketKeys;
  #seq = 0;
  #closing = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Forks the workers and waits until each one listens for configuration. */
  async start(keys: SessionTicketKeys): Promise<void> {
    this.#keys = keys;
    // Every worker accepts from the shared listening socket and the kernel picks which: on Node 20
    // the round-robin alternative (the primary accepts, then passes each connection over IPC) about
    // doubles the CPU of a new connection. (SO_REUSEPORT sockets per worker need Node >= 22.12.)
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    // Structured clone keeps Buffers (ticket keys) as Buffers; the script is the gateway's main module.
    cluster.setupPrimary({ exec: this.options.entry, serialization: 'advanced' });
    for (let index = 0; index < this.options.count; index++) this.#workers.push(this.#fork(index));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`gateway workers did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([Promise.all(this.#workers.map((w) => w.started)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get size(): number {
    return this.#workers.length;
  }

  pids(): number[] {
    return this.#workers.map((w) => w.worker.process.pid ?? 0);
  }

  /** Each worker's process and whether it serves every listener's latest configuration. */
  status(): Array<{ index: number; pid: number; ready: boolean }> {
    return this.#workers.map((w) => ({ index: w.index, pid: w.worker.process.pid ?? 0, ready: w.ready }));
  }

  /** Where RDS, SDS and EDS subscriptions go (the ADS client): the first worker names them. */
  onSubscriptions(sink: (typeUrl: string, names: string[]) => void): void {
    this.#sink = sink;
  }

  async onUpdate(update: XdsUpdate): Promise<ApplyResult> {
    const results = await this.#ask<ApplyResult>((seq) => message<ToWorker>({ kind: 'update', seq, update }));
    return combineApplyResults(results);
  }

  setTicketKeys(keys: SessionTicketKeys): void {
    this.#keys = keys;
    for (const w of this.#workers) this.#send(w, message<ToWorker>({ kind: 'ticket-keys', keys }));
  }

  /** Every worker serves every listener's latest configuration. */
  isReady(): boolean {
    return this.#workers.length > 0 && this.#workers.every((w) => w.ready);
  }

  /** The configuration one worker holds: every worker applied the same responses in the same order. */
  async query(query: AdminQuery): Promise<Record<string, unknown>> {
    const [answer] = await this.#ask<Record<string, unknown>>(
      (seq) => message<ToWorker>({ kind: 'query', seq, query }),
      this.#workers.slice(0, 1),
    );
    return answer;
  }

  /** Each worker's state and load, asked of every worker. */
  async workers(): Promise<WorkerReport[]> {
    const answers = await this.#ask<Partial<WorkerReport>>((seq) =>
      message<ToWorker>({ kind: 'query', seq, query: 'worker' }),
    );
    return this.#workers.map((w, i) => ({
      index: w.index,
      pid: w.worker.process.pid ?? 0,
      ready: w.ready,
      connections: Number(answers[i]?.connections ?? 0),
    }));
  }

  /** The workers' metrics summed with the primary's (Prometheus text), as one gateway. */
  async metrics(primary: Registry): Promise<Registry> {
    const workers = await this.#ask<WorkerMetrics>((seq) => message<ToWorker>({ kind: 'metrics', seq }));
    return AggregatorRegistry.aggregate([await primary.getMetricsAsJSON(), ...workers]);
  }

  /** Asks every worker to close its listeners and exit; kills the ones that do not in time. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.worker.isDead()) return resolve();
            const timer = setTimeout(() => w.worker.process.kill('SIGKILL'), 5000);
            w.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            this.#send(w, message<ToWorker>({ kind: 'shutdown' }));
          }),
      ),
    );
  }

  #fork(index: number): WorkerState {
    const worker = cluster.fork();
    let started!: () => void;
    const state: WorkerState = {
      index,
      worker,
      ready: false,
      started: new Promise<void>((resolve) => (started = resolve)),
    };
    worker.on('message', (raw: unknown) => {
      if (!isGatewayMessage<FromWorker>(raw)) return;
      switch (raw.kind) {
        case 'started':
          // Keys before any configuration, so the first TLS chain already seals tickets with them.
          if (this.#keys) this.#send(state, message<ToWorker>({ kind: 'ticket-keys', keys: this.#keys }));
          started();
          return;
        case 'subscribe':
          this.#sink(raw.typeUrl, raw.names);
          return;
        case 'applied':
          state.ready = raw.ready;
          return this.#answer(raw.seq, index, raw.result);
        case 'answer':
          return this.#answer(raw.seq, index, raw.body);
        case 'metrics':
          return this.#answer(raw.seq, index, raw.metrics);
      }
    });
    worker.once('exit', (code, signal) => {
      if (this.#closing) return;
      const reason = `gateway worker ${index} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`})`;
      this.options.logger.fatal({ worker: index }, reason);
      this.options.onWorkerLost(reason);
    });
    return state;
  }

  /** Sends one request to each of `to` (every worker by default) and collects their answers in worker order. */
  #ask<T>(make: (seq: number) => ToWorker, to: WorkerState[] = this.#workers): Promise<T[]> {
    const seq = ++this.#seq;
    return new Promise<T[]>((resolve) => {
      this.#pending.set(seq, {
        expected: to.map((w) => w.index),
        results: new Map(),
        resolve: (answers) => resolve(answers as T[]),
      });
      for (const w of to) this.#send(w, make(seq));
    });
  }

  #answer(seq: number, index: number, value: unknown): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    pending.results.set(index, value);
    if (pending.results.size < pending.expected.length) return;
    this.#pending.delete(seq);
    pending.resolve(pending.expected.map((i) => pending.results.get(i)));
  }

  #send(state: WorkerState, m: ToWorker): void {
    if (state.worker.isConnected()) state.worker.send(m);
  }
}
