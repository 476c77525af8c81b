import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex } from './version.js';

/**
 * Signed checkpoints: the hash chains' anchor outside the database. Each checkpoint lists the chain
 * heads (`namespace/name` -> revision and row hash) that changed since the previous checkpoint, names
 * the previous checkpoint's hash, and is signed with an Ed25519 key the database never sees. Folded in
 * order, the checkpoints say what every chain's head was at the last one; a database whose chain is
 * shorter (tail deleted) or whose row at that revision hashes differently (rewritten, even
 * consistently, hashes and all) no longer matches, and someone with only the database cannot sign a
 * checkpoint that would hide it.
 */
export interface CheckpointHead {
  revision: number;
  rowHash: string;
}

export interface CheckpointBody {
  /** 1, 2, 3...: a gap or a repeat is a finding. */
  seq: number;
  /** `checkpointHash` of the previous checkpoint; null for the first. */
  previous: string | null;
  at: string;
  /** Heads changed since the previous checkpoint, by `namespace/name`. */
  heads: Record<string, CheckpointHead>;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 over the canonical JSON of the body, base64. */
  signature: string;
  /** sha256 of the signer's public key (SPKI DER), hex: which key signed. */
  keyId: string;
}

export function checkpointHash(cp: SignedCheckpoint): string {
  return sha256Hex(canonicalJson(cp));
}

export function publicKeyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(pub.export({ type: 'spki', format: 'der' }));
}

export function signCheckpoint(body: CheckpointBody, privateKey: KeyObject): SignedCheckpoint {
  const signature = sign(null, Buffer.from(canonicalJson(body)), privateKey).toString('base64');
  return { ...body, signature, keyId: publicKeyId(privateKey) };
}

const bodyOf = (cp: SignedCheckpoint): CheckpointBody => ({
  seq: cp.seq,
  previous: cp.previous,
  at: cp.at,
  heads: cp.heads,
});

export type CheckpointProblem =
  | { kind: 'bad-signature'; seq: number }
  | { kind: 'unknown-key'; seq: number; keyId: string }
  | { kind: 'broken-sequence'; seq: number; reason: string };

/**
 * Checkpoints in stream order -> each chain's head at the last checkpoint. Every signature must
 * verify with `publicKey`, and each checkpoint must follow the previous (seq + 1, its hash).
 */
export function foldCheckpoints(
  checkpoints: readonly SignedCheckpoint[],
  publicKey: KeyObject,
): { heads: Map<string, CheckpointHead>; last?: SignedCheckpoint; problems: CheckpointProblem[] } {
  const keyId = publicKeyId(publicKey);
  const heads = new Map<string, CheckpointHead>();
  const problems: CheckpointProblem[] = [];
  let last: SignedCheckpoint | undefined;
  for (const cp of checkpoints) {
    if (cp.keyId !== keyId) {
      problems.push({ kind: 'unknown-key', seq: cp.seq, keyId: cp.keyId });
      continue;
    }
    if (
      !verify(null, Buffer.from(canonicalJson(bodyOf(cp))), publicKey, Buffer.from(cp.signature, 'base64'))
    ) {
      problems.push({ kind: 'bad-signature', seq: cp.seq });
      continue;
    }
    const expected = last
      ? { seq: last.seq + 1, previous: checkpointHash(last) }
      : { seq: 1, previous: null };
    if (cp.seq !== expected.seq || cp.previous !== expected.previous)
      problems.push({
        kind: 'broken-sequence',
        seq: cp.seq,
        reason: `expected seq ${expected.seq} after ${last ? `seq ${last.seq}` : 'the start'}`,
      });
    for (const [chain, head] of Object.entries(cp.heads)) heads.set(chain, head);
    last = cp;
  }
  return { heads, last, problems };
}

export type CheckpointMismatch =
  | { kind: 'truncated'; chain: string; checkpointRevision: number; databaseRevision: number }
  | { kind: 'rewritten'; chain: string; revision: number }
  | { kind: 'missing'; chain: string; checkpointRevision: number };

/**
 * The database's chains against the checkpointed heads. `rowAt(chain, revision)` is the row hash the
 * database holds at that revision (undefined if none); `databaseHead(chain)` its last revision.
 */
export function compareWithCheckpoints(
  checkpointed: ReadonlyMap<string, CheckpointHead>,
  databaseHead: (chain: string) => number | undefined,
  rowAt: (chain: string, revision: number) => string | undefined,
): CheckpointMismatch[] {
  const out: CheckpointMismatch[] = [];
  for (const [chain, head] of [...checkpointed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const dbHead = databaseHead(chain);
    if (dbHead === undefined) out.push({ kind: 'missing', chain, checkpointRevision: head.revision });
    else if (dbHead < head.revision)
      out.push({ kind: 'truncated', chain, checkpointRevision: head.revision, databaseRevision: dbHead });
    else if (rowAt(chain, head.revision) !== head.rowHash)
      out.push({ kind: 'rewritten', chain, revision: head.revision });
  }
  return out;
}

/** What verify reports of the checkpoints: the last one, and what does not match it. */
export interface CheckpointReport {
  seq?: number;
  at?: string;
  mismatches: CheckpointMismatch[];
  problems: CheckpointProblem[];
}

/**
 * A chain verification with its checkpoint report: intact only if the chains are, nothing differs
 * from the checkpoints, and every checkpoint is sound.
 */
export function withCheckpointReport<T extends { ok: boolean }>(
  chains: T,
  folded: { last?: SignedCheckpoint; problems: CheckpointProblem[] },
  mismatches: CheckpointMismatch[],
): T & { checkpoint: CheckpointReport } {
  return {
    ...chains,
    ok: chains.ok && mismatches.length === 0 && folded.problems.length === 0,
    checkpoint: {
      ...(folded.last ? { seq: folded.last.seq, at: folded.last.at } : {}),
      mismatches,
      problems: folded.problems,
    },
  };
}
