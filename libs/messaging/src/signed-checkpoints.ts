import fs from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#keyway/observability';
import {
  checkpointHash,
  foldCheckpoints,
  signCheckpoint,
  type CheckpointHead,
  type SignedCheckpoint,
} from '#keyway/secrets';

/** A JetStream stream that keeps one writer's checkpoints, in order (libs/contracts streams.ts). */
export interface CheckpointStream {
  name: string;
  subject: string;
}

export interface SignedCheckpointsOptions {
  stream: CheckpointStream;
  /** Shown in the stream's description: whose chains these are. */
  writer: string;
  /**
   * The Ed25519 private key (AUDIT_CHECKPOINT_KEY_FILE's content: PEM, or base64 PKCS#8 DER on one
   * line as compose passes it): never stored in Postgres.
   */
  privateKey: string;
  intervalMs: number;
  /** A checkpoint as soon as this many rows committed since the last one (AUDIT_CHECKPOINT_ROWS). */
  everyRows: number;
  /** Also append each checkpoint as a JSON line here (AUDIT_CHECKPOINT_FILE). */
  file?: string;
  replicas: number;
  logger: Logger;
  /**
   * Where the heads are read from when the writer does not report its commits (the ca's one chain):
   * asked before every checkpoint.
   */
  currentHeads?: () => Promise<Iterable<[string, CheckpointHead]>>;
  /**
   * The database's row hash at each chain's given revision (absent: no such row). Before a chain's
   * head moves past a signed one, the signed row must still be there unchanged: otherwise the new
   * head would extend a cut or rewritten chain and the checkpoints would launder the change.
   */
  rowHashesAt(chains: ReadonlyArray<[string, number]>): Promise<ReadonlyMap<string, string>>;
}

/** Provisions the stream (idempotent): every checkpoint kept, in order. */
async function provisionStream(nc: NatsConnection, o: SignedCheckpointsOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(o.stream.name);
  } catch {
    await jsm.streams.add({
      name: o.stream.name,
      subjects: [o.stream.subject],
      num_replicas: o.replicas,
      description: `signed checkpoints of the ${o.writer}'s hash chain heads (keyway)`,
    });
  }
}

/** Every checkpoint in the stream, in order (an ordered consumer, read to the end). */
export async function readCheckpoints(nc: NatsConnection, streamName: string): Promise<SignedCheckpoint[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(streamName).catch(() => undefined);
  if (!info || info.state.messages === 0) return [];
  const js = jetstream(nc);
  const consumer = await js.consumers.get(streamName);
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

const sameHead = (a: CheckpointHead | undefined, b: CheckpointHead) =>
  a !== undefined && a.revision === b.revision && a.rowHash === b.rowHash;

/**
 * A hash-chain writer's anchor outside Postgres (libs/secrets checkpoint.ts): chain heads that moved
 * since the last checkpoint are signed and published every `intervalMs`, after `everyRows` rows
 * committed, before a verify (`checkpoint()`), and at stop. One writer per stream: the services that use it
 * run active-standby, and a new leader continues the sequence it reads from the stream.
 */
export class SignedCheckpoints {
  readonly #key: KeyObject;
  readonly publicKey: KeyObject;
  #js?: JetStreamClient;
  /** What the last checkpoints say each chain's head is. */
  #signed = new Map<string, CheckpointHead>();
  #pending = new Map<string, CheckpointHead>();
  /** Rows committed since a checkpoint was last asked for. */
  #rowsSince = 0;
  /** Chains whose signed head the database no longer holds: never checkpointed again (verify names them). */
  #broken = new Set<string>();
  #last?: SignedCheckpoint;
  #timer?: NodeJS.Timeout;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: SignedCheckpointsOptions,
  ) {
    const text = o.privateKey.trim();
    this.#key = text.startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    if (this.#key.asymmetricKeyType !== 'ed25519')
      throw new Error(
        `AUDIT_CHECKPOINT_KEY_FILE: an Ed25519 private key is required, not ${this.#key.asymmetricKeyType}`,
      );
    this.publicKey = createPublicKey(this.#key);
  }

  /** Reads the stream's checkpoints; heads that moved since the last one are checkpointed at once. */
  async start(heads: Iterable<[string, CheckpointHead]> = []): Promise<void> {
    await provisionStream(this.nc, this.o);
    this.#js = jetstream(this.nc);
    const folded = foldCheckpoints(await this.read(), this.publicKey);
    this.#last = folded.last;
    this.#signed = folded.heads;
    this.#note(heads);
    await this.checkpoint();
    this.#timer = setInterval(() => void this.checkpoint(), this.o.intervalMs);
    this.#timer.unref();
  }

  read(): Promise<SignedCheckpoint[]> {
    return readCheckpoints(this.nc, this.o.stream.name);
  }

  /** Heads of rows that committed (never before their transaction did), one entry per row. */
  committed(heads: readonly [string, CheckpointHead][]): void {
    this.#note(heads);
    this.rowsCommitted(heads.length);
  }

  /** For a writer whose heads are read back (`currentHeads`): `n` rows of its record committed. */
  rowsCommitted(n: number): void {
    this.#rowsSince += n;
    if (this.#rowsSince >= this.o.everyRows) void this.checkpoint();
  }

  #note(heads: Iterable<[string, CheckpointHead]>): void {
    for (const [chain, head] of heads)
      if (sameHead(this.#signed.get(chain), head)) this.#pending.delete(chain);
      else this.#pending.set(chain, head);
  }

  /** Signs and publishes what is pending; one at a time, in order. */
  checkpoint(): Promise<void> {
    this.#rowsSince = 0;
    this.#writing = this.#writing.then(async () => {
      if (!this.#js) return;
      try {
        if (this.o.currentHeads) this.#note(await this.o.currentHeads());
        await this.#dropBrokenChains();
        if (this.#pending.size === 0) return;
        const heads = Object.fromEntries(this.#pending);
        const body = {
          seq: (this.#last?.seq ?? 0) + 1,
          previous: this.#last ? checkpointHash(this.#last) : null,
          at: new Date().toISOString(),
          heads,
        };
        const cp = signCheckpoint(body, this.#key);
        await this.#js.publish(this.o.stream.subject, JSON.stringify(cp));
        if (this.o.file) fs.appendFileSync(this.o.file, `${JSON.stringify(cp)}\n`);
        this.#last = cp;
        for (const [chain, head] of Object.entries(heads)) {
          this.#signed.set(chain, head);
          if (this.#pending.get(chain) === head) this.#pending.delete(chain);
        }
        this.o.logger.debug(
          { stream: this.o.stream.name, seq: cp.seq, chains: Object.keys(heads).length },
          'audit checkpoint published',
        );
      } catch (e) {
        // Kept pending: the next interval tries again with everything since the last checkpoint.
        this.o.logger.warn(
          { stream: this.o.stream.name, err: (e as Error).message },
          'audit checkpoint not published',
        );
      }
    });
    return this.#writing;
  }

  /** Pending heads whose chain no longer holds its signed head are not signed (see rowHashesAt). */
  async #dropBrokenChains(): Promise<void> {
    const moved = [...this.#pending.keys()].filter((c) => this.#signed.has(c) && !this.#broken.has(c));
    const found = moved.length
      ? await this.o.rowHashesAt(moved.map((c) => [c, this.#signed.get(c)!.revision]))
      : new Map<string, string>();
    for (const chain of moved)
      if (found.get(chain) !== this.#signed.get(chain)!.rowHash) {
        this.#broken.add(chain);
        this.o.logger.error(
          {
            stream: this.o.stream.name,
            chain: chain.slice(0, 300),
            revision: this.#signed.get(chain)!.revision,
          },
          'the database no longer holds a checkpointed row of this chain: it is not checkpointed again (keyway audit verify names it)',
        );
      }
    for (const chain of this.#broken) this.#pending.delete(chain);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.checkpoint();
  }
}

/** What a verify needs of the checkpoints: checkpoint what committed, then read them all. */
export type CheckpointSource = Pick<SignedCheckpoints, 'publicKey' | 'read' | 'checkpoint'>;
/** What a writer whose heads are read back (`currentHeads`) tells its checkpoints. */
export type CheckpointedWriter = CheckpointSource & Pick<SignedCheckpoints, 'rowsCommitted'>;
