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
  /** How long an admin question waits for a worker (GATEWAY_ADMIN_QUERY_TIMEOUT_MS). */
  adminQueryTimeoutMs: number;
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

/** A question sent to some workers: their answers, by worker index, until all are in or time is up. */
interface Pending {
  expected: number[];
  results: Map<number, unknown>;
  resolve: (answers: Answers<unknown>) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** Answers in the order asked; `missing` names (by index) the workers that did not answer in time. */
interface Answers<T> {
  answers: Array<T | undefined>;
  missing: number[];
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
    // No time limit: the ACK means every worker applied it (a worker that never does is lost).
    const { answers } = await this.#ask<ApplyResult>((seq) =>
      message<ToWorker>({ kind: 'update', seq, update }),
    );
    return combineApplyResults(answers as ApplyResult[]);
  }

  setTicketKeys(keys: SessionTicketKeys): void {
    this.#keys = keys;
    for (const w of this.#workers) this.#send(w, message<ToWorker>({ kind: 'ticket-keys', keys }));
  }

  /** Every worker serves every listener's latest configuration. */
  isReady(): boolean {
    return this.#workers.length > 0 && this.#workers.every((w) => w.ready);
  }

  /**
   * The configuration one worker holds: every worker applied the same responses in the same order,
   * so a worker that does not answer in time is passed over for the next.
   */
  async query(query: AdminQuery): Promise<Record<string, unknown>> {
    for (const w of this.#workers) {
      const { answers } = await this.#ask<Record<string, unknown>>(
        (seq) => message<ToWorker>({ kind: 'query', seq, query }),
        [w],
        this.options.adminQueryTimeoutMs,
      );
      if (answers[0]) return answers[0];
    }
    throw new Error(`no gateway worker answered within ${this.options.adminQueryTimeoutMs} ms`);
  }

  /** Each worker's state and load, asked of every worker; one that does not answer in time says so. */
  async workers(): Promise<WorkerReport[]> {
    const { answers, missing } = await this.#ask<Partial<WorkerReport>>(
      (seq) => message<ToWorker>({ kind: 'query', seq, query: 'worker' }),
      this.#workers,
      this.options.adminQueryTimeoutMs,
    );
    return this.#workers.map((w, i) => ({
      index: w.index,
      pid: w.worker.process.pid ?? 0,
      ready: w.ready,
      connections: Number(answers[i]?.connections ?? 0),
      answered: !missing.includes(w.index),
      ...(missing.includes(w.index) && { error: this.#noAnswer() }),
    }));
  }

  /** The workers' metrics summed with the primary's (Prometheus text), as one gateway: those that answer in time. */
  async metrics(primary: Registry): Promise<Registry> {
    const { answers, missing } = await this.#ask<WorkerMetrics>(
      (seq) => message<ToWorker>({ kind: 'metrics', seq }),
      this.#workers,
      this.options.adminQueryTimeoutMs,
    );
    if (missing.length)
      this.options.logger.warn({ workers: missing }, `stats without workers that gave ${this.#noAnswer()}`);
    const workers = answers.filter((a): a is WorkerMetrics => a !== undefined);
    return AggregatorRegistry.aggregate([await primary.getMetricsAsJSON(), ...workers]);
  }

  #noAnswer(): string {
    return `no answer within ${this.options.adminQueryTimeoutMs} ms`;
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

  /**
   * Sends one request to each of `to` (every worker by default) and collects their answers in worker
   * order, waiting at most `timeoutMs` when given; an answer after that finds nothing pending and is
   * dropped.
   */
  #ask<T>(
    make: (seq: number) => ToWorker,
    to: WorkerState[] = this.#workers,
    timeoutMs?: number,
  ): Promise<Answers<T>> {
    const seq = ++this.#seq;
    return new Promise<Answers<T>>((resolve) => {
      const pending: Pending = {
        expected: to.map((w) => w.index),
        results: new Map(),
        resolve: (answers) => resolve(answers as Answers<T>),
      };
      this.#pending.set(seq, pending);
      if (timeoutMs !== undefined) pending.timer = setTimeout(() => this.#settle(seq, pending), timeoutMs);
      for (const w of to) this.#send(w, make(seq));
    });
  }

  #answer(seq: number, index: number, value: unknown): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    pending.results.set(index, value);
    if (pending.results.size === pending.expected.length) this.#settle(seq, pending);
  }

  #settle(seq: number, pending: Pending): void {
    this.#pending.delete(seq);
    clearTimeout(pending.timer);
    pending.resolve({
      answers: pending.expected.map((i) => pending.results.get(i)),
      missing: pending.expected.filter((i) => !pending.results.has(i)),
    });
  }

  #send(state: WorkerState, m: ToWorker): void {
    if (state.worker.isConnected()) state.worker.send(m);
  }
}
