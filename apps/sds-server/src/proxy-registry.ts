import { MAX_TRACKED_SECRETS, type ProxyRecord, type ProxyStatusEntry } from '#keyway/contracts';

const SDS_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
/** Responses remembered per proxy until ACKed: older ones are superseded anyway. */
const PENDING_RESPONSES = 8;

export interface ProxySession {
  nodeId: string;
  namespace: string;
  labels: Record<string, string>;
  groupId: string;
}

const FLUSH_CONCURRENCY = 64;
const RETRY_MS = 1000;

/** Where records go: the proxies bucket in the service, nothing in protocol tests. */
export interface ProxySink {
  put(nodeId: string, record: ProxyRecord): Promise<void>;
  delete(nodeId: string): Promise<void>;
}

/**
 * A proxy's key: its authenticated namespace and its node id. The node id alone is what the proxy
 * says; keyed by it, a proxy of one namespace sending another namespace's node id took over that
 * proxy's record (and removed it when it left). Keyed by both, the two are kept apart.
 */
export function proxyRecordKey(namespace: string, nodeId: string): string {
  return `${namespace}/${nodeId}`;
}

/**
 * The proxies this replica holds streams for, keyed by proxyRecordKey. A proxy with several
 * streams (ADS, one SDS stream per secret) is one record; it goes when its last stream closes.
 * Writes are coalesced, so a push to thousands of proxies does not become thousands of writes per
 * ACK.
 */
export class ProxyRegistry {
  readonly #records = new Map<string, ProxyRecord>();
  readonly #dirty = new Set<string>();
  /** Per proxy: SDS responses not yet ACKed, response version -> resource versions in it. */
  readonly #pendingSecrets = new Map<string, Map<string, Record<string, string>>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closing = false;

  constructor(
    readonly replica: string,
    private readonly sink?: ProxySink,
    private readonly flushMs = 100,
  ) {}

  /** Returns the record's key, which every other call takes. */
  connected(session: ProxySession, now = new Date()): string {
    const key = proxyRecordKey(session.namespace, session.nodeId);
    const held = this.#records.get(key);
    if (held) held.streams += 1;
    else {
      this.#records.set(key, {
        schemaVersion: 1,
        nodeId: session.nodeId,
        namespace: session.namespace,
        labels: session.labels,
        groupId: session.groupId,
        replica: this.replica,
        connectedSince: now.toISOString(),
        streams: 1,
        acked: {},
        sent: {},
      });
    }
    this.#touch(key);
    return key;
  }

  /** `resources`: for SDS, each secret in the response with its own version. */
  sent(key: string, typeUrl: string, version: string, resources?: Record<string, string>): void {
    const r = this.#records.get(key);
    if (!r) return;
    r.sent = { ...r.sent, [typeUrl]: version };
    if (typeUrl === SDS_TYPE && resources) {
      const secrets = { ...r.secrets };
      for (const [name, v] of Object.entries(resources)) {
        if (!(name in secrets) && Object.keys(secrets).length >= MAX_TRACKED_SECRETS) continue;
        secrets[name] = { ...secrets[name], sent: v };
      }
      r.secrets = secrets;
      let pending = this.#pendingSecrets.get(key);
      if (!pending) this.#pendingSecrets.set(key, (pending = new Map()));
      pending.set(version, resources);
      while (pending.size > PENDING_RESPONSES) pending.delete(pending.keys().next().value!);
    }
    this.#touch(key);
  }

  acked(key: string, typeUrl: string, version: string): void {
    const r = this.#records.get(key);
    if (!r || r.acked[typeUrl] === version) return;
    r.acked = { ...r.acked, [typeUrl]: version };
    const inResponse = typeUrl === SDS_TYPE ? this.#pendingSecrets.get(key)?.get(version) : undefined;
    if (inResponse) {
      const secrets = { ...r.secrets };
      for (const [name, v] of Object.entries(inResponse))
        if (secrets[name]) secrets[name] = { ...secrets[name], acked: v };
      r.secrets = secrets;
      this.#pendingSecrets.get(key)!.delete(version);
    }
    this.#touch(key);
  }

  nacked(
    key: string,
    nack: { typeUrl: string; version: string; nonce: string; message: string },
    now = new Date(),
  ): void {
    const r = this.#records.get(key);
    if (!r) return;
    r.lastNack = { ...nack, at: now.toISOString() };
    this.#touch(key);
  }

  disconnected(key: string): void {
    const r = this.#records.get(key);
    if (!r) return;
    r.streams -= 1;
    if (r.streams <= 0) {
      this.#records.delete(key);
      this.#pendingSecrets.delete(key);
    }
    this.#touch(key);
  }

  get size(): number {
    return this.#records.size;
  }

  records(): ProxyRecord[] {
    return [...this.#records.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  get(key: string): ProxyRecord | undefined {
    return this.#records.get(key);
  }

  #touch(nodeId: string): void {
    if (!this.sink) return;
    this.#dirty.add(nodeId);
    this.#schedule(this.flushMs);
  }

  #schedule(ms: number): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
  }

  /**
   * Writes every changed record (or deletes it, once its last stream is gone), a bounded number
   * at a time so thousands of proxies do not become thousands of concurrent requests; a failed
   * write is retried on the next flush.
   */
  async flush(): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const run = async () => {
      const ids = [...this.#dirty];
      this.#dirty.clear();
      let failed = false;
      for (let i = 0; i < ids.length; i += FLUSH_CONCURRENCY) {
        await Promise.all(
          ids.slice(i, i + FLUSH_CONCURRENCY).map((id) => {
            const record = this.#records.get(id);
            return (record ? sink.put(id, { ...record }) : sink.delete(id)).catch(() => {
              failed = true;
              this.#dirty.add(id);
            });
          }),
        );
      }
      if (failed && !this.#closing) this.#schedule(RETRY_MS);
    };
    this.#flushing = this.#flushing.then(run, run);
    await this.#flushing;
  }

  /** Stops the timer and removes every record this replica wrote. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const id of this.#records.keys()) this.#dirty.add(id);
    this.#records.clear();
    await this.flush();
  }
}

/** istioctl proxy-status from records: per type, what was sent against what was ACKed. */
export function proxyStatus(records: ProxyRecord[], namespace?: string): ProxyStatusEntry[] {
  return records
    .filter((r) => !namespace || r.namespace === namespace)
    .map((r) => {
      const types: ProxyStatusEntry['types'] = {};
      for (const typeUrl of new Set([...Object.keys(r.sent ?? {}), ...Object.keys(r.acked)])) {
        const current = r.sent?.[typeUrl];
        const acked = r.acked[typeUrl];
        const nacked = r.lastNack && r.lastNack.typeUrl === typeUrl && r.lastNack.version === current;
        types[typeUrl] = {
          acked,
          current,
          status: !current ? 'NOT SENT' : nacked ? 'NACKED' : acked === current ? 'SYNCED' : 'STALE',
        };
      }
      return {
        nodeId: r.nodeId,
        namespace: r.namespace,
        groupId: r.groupId,
        replica: r.replica,
        types,
        ...(r.secrets ? { secrets: r.secrets } : {}),
      };
    })
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
}
