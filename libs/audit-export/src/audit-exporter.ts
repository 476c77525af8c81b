import type { Logger } from '#keyway/observability';
import type { AuditSink } from './audit-sinks.js';
import type { ExportedEvent } from './exported-event.js';

/** What the exporter needs of the writer's record: rows in commit order, and a durable cursor. */
export interface ExportSource {
  /** Events after `cursor` (a commit-order number), in that order, at most `limit`. */
  after(cursor: number, limit: number): Promise<Array<{ position: number; event: ExportedEvent }>>;
  loadCursor(sink: string): Promise<number>;
  saveCursor(sink: string, position: number): Promise<void>;
}

export interface AuditExporterOptions {
  /** Fail closed: while the sink cannot be written, `writable()` says so and new versions wait. */
  required: boolean;
  /** How often the record is read for new rows when no commit nudged the exporter. */
  pollMs: number;
  batch?: number;
  logger: Logger;
}

/** Thrown by the writer's commit while a required sink cannot be written: retried like an outage. */
export class AuditSinkUnwritable extends Error {
  constructor(detail: string) {
    super(`audit sink not writable: ${detail}`);
  }
}

const backoff = (attempt: number) => Math.min(5000, 100 * 2 ** Math.min(attempt, 6));

/**
 * Streams a record to an audit device in commit order, at least once: a batch is written, then the
 * cursor (in the writer's own database) moves past it. A restart resumes after the cursor; a crash
 * between the two sends the batch again, with the same event ids. The invariant that makes
 * "after the cursor" complete: the record has one writer whose commits are serial, so positions
 * commit in increasing order.
 */
export class AuditExporter {
  #cursor = 0;
  #failingSince?: Date;
  #lastError?: string;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #again = false;
  #stopped = false;
  #attempt = 0;

  constructor(
    private readonly source: ExportSource,
    readonly sink: AuditSink,
    private readonly o: AuditExporterOptions,
  ) {}

  async start(): Promise<void> {
    this.#cursor = await this.source.loadCursor(this.sink.name);
    this.#schedule(0);
  }

  /** New rows committed: export them now rather than at the next poll. */
  nudge(): void {
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** False while a required sink cannot be written: the writer holds new versions back. */
  writable(): boolean {
    return !this.o.required || this.#failingSince === undefined;
  }

  health(): { ok: boolean; detail: string } {
    if (!this.#failingSince)
      return { ok: true, detail: `${this.sink.name}: exported through ${this.#cursor}` };
    return {
      // A sink that is not required may fail without the service being unready.
      ok: !this.o.required,
      detail: `${this.sink.name}: failing since ${this.#failingSince.toISOString()} (${this.#lastError}); exported through ${this.#cursor}`,
    };
  }

  /** Exports what is committed, then stops. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    if (!this.#failingSince) await this.#drain().catch(() => undefined);
    await this.sink.close();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), ms);
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = this.#drain().then(
      () => {
        if (this.#failingSince)
          this.o.logger.info(
            { sink: this.sink.name, since: this.#failingSince },
            'audit sink writable again',
          );
        this.#failingSince = undefined;
        this.#attempt = 0;
      },
      (e: Error) => {
        this.#failingSince ??= new Date();
        this.#lastError = e.message.slice(0, 300);
        this.#attempt += 1;
        if (this.#attempt === 1)
          this.o.logger.error(
            { sink: this.sink.name, err: this.#lastError, required: this.o.required },
            this.o.required
              ? 'audit sink not writable: new versions wait'
              : 'audit sink not writable: retrying',
          );
      },
    );
    await this.#running;
    this.#running = undefined;
    const again = this.#again;
    this.#again = false;
    this.#schedule(this.#failingSince ? backoff(this.#attempt) : again ? 0 : this.o.pollMs);
  }

  /** Writes every batch after the cursor, moving the cursor after each. */
  async #drain(): Promise<void> {
    const batch = this.o.batch ?? 500;
    for (;;) {
      const rows = await this.source.after(this.#cursor, batch);
      if (rows.length === 0) {
        if (this.o.required) await this.sink.check();
        return;
      }
      await this.sink.write(rows.map((r) => r.event));
      const position = rows[rows.length - 1]!.position;
      await this.source.saveCursor(this.sink.name, position);
      this.#cursor = position;
      if (rows.length < batch) return;
    }
  }
}
