import fs from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams } from '#keyway/contracts';
import type { Logger } from '#keyway/observability';
import {
  checkpointHash,
  foldCheckpoints,
  signCheckpoint,
  type ChainedAuditRow,
  type CheckpointHead,
  type SignedCheckpoint,
} from '#keyway/secrets';

const CHECKPOINT_STREAM = Streams.auditCheckpoints.name;
export const CHECKPOINT_SUBJECT = Streams.auditCheckpoints.subject;

export interface CheckpointOptions {
  /** PEM of the Ed25519 private key (AUDIT_CHECKPOINT_KEY_FILE): never stored in Postgres. */
  privateKeyPem: string;
  intervalMs: number;
  everyRows: number;
  /** Also append each checkpoint as a JSON line here (AUDIT_CHECKPOINT_FILE). */
  file?: string;
  replicas: number;
  logger: Logger;
}

const chainOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

/** Provisions the checkpoint stream (idempotent): every checkpoint kept, in order. */
async function provisionStream(nc: NatsConnection, replicas: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(CHECKPOINT_STREAM);
  } catch {
    await jsm.streams.add({
      name: CHECKPOINT_STREAM,
      subjects: [CHECKPOINT_SUBJECT],
      num_replicas: replicas,
      description: 'signed checkpoints of the audit log chain heads (keyway secret-watcher)',
    });
  }
}

/** Every checkpoint in the stream, in order (an ordered consumer, read to the end). */
export async function readCheckpoints(nc: NatsConnection): Promise<SignedCheckpoint[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(CHECKPOINT_STREAM).catch(() => undefined);
  if (!info || info.state.messages === 0) return [];
  const js = jetstream(nc);
  const consumer = await js.consumers.get(CHECKPOINT_STREAM);
  const out: SignedCheckpoint[] = [];
  const last = info.state.last_seq;
  while (true) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
    let seq = 0;
    for await (const m of batch) {
      out.push(m.json<SignedCheckpoint>());
      seq = m.seq;
      if (seq >= last) break;
    }
    if (seq >= last || seq === 0) break;
  }
  return out;
}

/**
 * The audit writer's anchor outside Postgres (libs/secrets checkpoint.ts): chain heads committed since
 * the last checkpoint are signed and published every `intervalMs`, after `everyRows` rows, and at stop.
 */
export class AuditCheckpoints {
  readonly #key: KeyObject;
  readonly publicKey: KeyObject;
  #js?: JetStreamClient;
  #pending = new Map<string, CheckpointHead>();
  #last?: SignedCheckpoint;
  #timer?: NodeJS.Timeout;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: CheckpointOptions,
  ) {
    this.#key = createPrivateKey(o.privateKeyPem);
    if (this.#key.asymmetricKeyType !== 'ed25519')
      throw new Error(
        `AUDIT_CHECKPOINT_KEY_FILE: an Ed25519 private key is required, not ${this.#key.asymmetricKeyType}`,
      );
    this.publicKey = createPublicKey(this.#key);
  }

  /** Reads the stream's last checkpoint; heads that moved since then are checkpointed at once. */
  async start(heads: readonly ChainedAuditRow[]): Promise<void> {
    await provisionStream(this.nc, this.o.replicas);
    this.#js = jetstream(this.nc);
    const folded = foldCheckpoints(await readCheckpoints(this.nc), this.publicKey);
    this.#last = folded.last;
    for (const h of heads) {
      const seen = folded.heads.get(chainOf(h));
      if (!seen || seen.revision !== h.revision || seen.rowHash !== h.rowHash)
        this.#pending.set(chainOf(h), { revision: h.revision, rowHash: h.rowHash });
    }
    await this.checkpoint();
    this.#timer = setInterval(() => void this.checkpoint(), this.o.intervalMs);
    this.#timer.unref();
  }

  /** Rows that committed (the reconciler calls it after each group commit). */
  committed(rows: readonly ChainedAuditRow[]): void {
    for (const r of rows) this.#pending.set(chainOf(r), { revision: r.revision, rowHash: r.rowHash });
    if (this.#pending.size >= this.o.everyRows) void this.checkpoint();
  }

  /** Signs and publishes what is pending; one at a time, in order. */
  checkpoint(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (this.#pending.size === 0 || !this.#js) return;
      const heads = Object.fromEntries(this.#pending);
      const body = {
        seq: (this.#last?.seq ?? 0) + 1,
        previous: this.#last ? checkpointHash(this.#last) : null,
        at: new Date().toISOString(),
        heads,
      };
      const cp = signCheckpoint(body, this.#key);
      try {
        await this.#js.publish(CHECKPOINT_SUBJECT, JSON.stringify(cp));
        if (this.o.file) fs.appendFileSync(this.o.file, `${JSON.stringify(cp)}\n`);
        this.#last = cp;
        for (const [chain, head] of Object.entries(heads))
          if (this.#pending.get(chain) === head) this.#pending.delete(chain);
        this.o.logger.debug({ seq: cp.seq, chains: Object.keys(heads).length }, 'audit checkpoint published');
      } catch (e) {
        // Kept pending: the next interval tries again with everything since the last checkpoint.
        this.o.logger.warn({ err: (e as Error).message }, 'audit checkpoint not published');
      }
    });
    return this.#writing;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.checkpoint();
  }
}
