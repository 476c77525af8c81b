import {
  SECRET_APPLY_AAD,
  errorReply,
  okReply,
  secretManifest,
  validatePayload,
  actorText,
  type AnalyzeSecretRequest,
  type AnalyzeSecretResult,
  type ApplySecretRequest,
  type ApplySecretResult,
  type AuditEvent,
  type AuditEventsFilter,
  type AuditVerifyResult,
  type CommandReply,
  type DeleteSecretRequest,
  type SecretSummary,
} from '#keyway/contracts';
import { credentialFindings, finding, Findings } from '#keyway/analysis';
import type { Keyring } from '#keyway/key-material';
import {
  decodeSecret,
  isCaCertName,
  summarizeCertificate,
  compareWithCheckpoints,
  foldCheckpoints,
  withCheckpointReport,
  ChainVerifier,
  type ChainedAuditRow,
} from '#keyway/secrets';
import type { CheckpointSource } from '#keyway/messaging';
import type { AuditStore } from './audit-log.js';
import type { Reconciler } from './reconciler.js';

type HeldSecret = ReturnType<Reconciler['secrets']>[number];
import type { SecretEntry } from './secret-entry.js';
import type { EventOutcome } from './secret-event.js';

const TIMED_OUT = Symbol('timed out');

/** The use cases behind the NATS subjects: apply/delete through the reconciler, queries from the audit log. */
export class SecretService {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly store: AuditStore,
    private readonly keyring: Keyring,
    private readonly applyWaitMs: number,
    private readonly checkpoints?: CheckpointSource,
  ) {}

  async apply(request: ApplySecretRequest): Promise<CommandReply<ApplySecretResult>> {
    const opened = this.#open(request.sealedManifest);
    if (!opened.ok) return opened.reply;
    const { resource, manifest } = opened;
    const checked = validatePayload(secretManifest, manifest, resource);
    if (!checked.ok) return errorReply('invalid', `${resource}: invalid manifest`, checked.errors);
    const decoded = decodeSecret(checked.value, 'default');
    if (!decoded.ok) return errorReply('invalid', `${resource}: invalid`, decoded.errors);
    const outcome = await this.#wait(
      this.reconciler.submit({
        kind: 'apply',
        source: 'api',
        actor: actorText(request.actor),
        secret: decoded.secret,
        reason: request.reason,
        sealedManifest: this.keyring.reseal(request.sealedManifest, SECRET_APPLY_AAD),
      }),
    );
    if (outcome === TIMED_OUT) return this.#unavailable(resource);
    if (outcome.outcome === 'rejected') return errorReply('invalid', `${resource}: rejected`, outcome.errors);
    return okReply({
      namespace: outcome.namespace,
      name: outcome.name,
      outcome: outcome.outcome === 'created' || outcome.outcome === 'updated' ? outcome.outcome : 'unchanged',
      revision: outcome.revision,
      contentHash: outcome.contentHash,
      warnings: outcome.warnings,
    });
  }

  /** `keyway.secrets.analyze`: what an apply of this Secret would say, without applying it. */
  analyze(request: AnalyzeSecretRequest): CommandReply<AnalyzeSecretResult> {
    const opened = this.#open(request.sealedManifest);
    if (!opened.ok) return opened.reply;
    const { resource, manifest } = opened;
    const checked = validatePayload(secretManifest, manifest, resource);
    const object = (exists: boolean) => ({ resource, exists });
    if (!checked.ok)
      return okReply({
        object: object(false),
        valid: false,
        findings: credentialFindings(resource, { errors: checked.errors, warnings: [] }),
      });
    const decoded = decodeSecret(checked.value, 'default');
    if (!decoded.ok)
      return okReply({
        object: object(false),
        valid: false,
        findings: credentialFindings(resource, { errors: decoded.errors, warnings: [] }),
      });
    const secret = decoded.secret;
    const dry = this.reconciler.dryRun('api', secret);
    const findings = credentialFindings(resource, dry);
    if (dry.shadowedBy)
      findings.push(
        finding(
          Findings.shadowedCredential,
          resource,
          `source ${dry.shadowedBy} holds this Secret too and takes precedence: the applied copy would be stored but not served`,
        ),
      );
    const hosts = certificateHosts(dry.validation);
    return okReply({
      object: object(dry.exists),
      valid: dry.errors.length === 0,
      findings,
      ...(hosts.length > 0 ? { hosts } : {}),
    });
  }

  async delete(request: DeleteSecretRequest): Promise<CommandReply<{ deleted: boolean; revision?: number }>> {
    const resource = `Secret/${request.namespace}/${request.name}`;
    const outcome = await this.#wait(
      this.reconciler.submit({
        kind: 'delete',
        source: 'api',
        actor: actorText(request.actor),
        namespace: request.namespace,
        name: request.name,
        reason: request.reason,
      }),
    );
    if (outcome === TIMED_OUT) return this.#unavailable(resource);
    if (outcome.outcome === 'not-found') {
      return request.ignoreNotFound
        ? okReply({ deleted: false })
        : errorReply('not_found', `secret ${request.namespace}/${request.name} not found`);
    }
    return okReply({ deleted: true, revision: outcome.revision });
  }

  #open(
    sealed: ApplySecretRequest['sealedManifest'],
  ): { ok: true; resource: string; manifest: unknown } | { ok: false; reply: CommandReply<never> } {
    let manifest: unknown;
    try {
      manifest = JSON.parse(this.keyring.open(sealed, SECRET_APPLY_AAD).toString('utf8'));
    } catch (e) {
      return {
        ok: false,
        reply: errorReply(
          'invalid',
          `sealedManifest: cannot be opened with this service's data keys (${(e as Error).message})`,
        ),
      };
    }
    const m = manifest as { metadata?: { namespace?: string; name?: string } };
    const resource = `Secret/${m?.metadata?.namespace ?? 'default'}/${m?.metadata?.name ?? '?'}`;
    return { ok: true, resource, manifest };
  }

  summaries(namespace?: string): SecretSummary[] {
    return this.reconciler.secrets(namespace).map((held) => this.#summaryOf(held));
  }

  // A summary parses the certificate's names and dates: made only for the Secrets a page shows.
  #summaryOf({ entry, namespace: ns, name, served }: HeldSecret): SecretSummary {
    const v = entry.validation;
    const head = v.keyPair?.chain[0] ?? v.root?.cas[0];
    const cert = head ? summarizeCertificate(head) : undefined;
    const notAfter = head ? head.notAfter.toISOString() : undefined;
    const sources = [...this.reconciler.copiesOf(ns, name).keys()].filter((s) => s !== entry.source);
    return {
      namespace: ns,
      name,
      type: v.secret.type,
      keys: v.secret.keys(),
      source: entry.source,
      revision: served?.revision ?? 0,
      contentHash: served?.contentHash ?? '',
      ...(notAfter ? { notAfter } : {}),
      ...(cert
        ? {
            serial: cert.serial,
            issuer: cert.issuer,
            hosts: certificateHosts(v),
          }
        : {}),
      sources: [entry.source, ...sources],
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
    };
  }

  get(namespace: string, name: string): CommandReply<SecretSummary> {
    const found = this.reconciler.secret(namespace, name);
    return found
      ? okReply(this.#summaryOf(found))
      : errorReply('not_found', `secret ${namespace}/${name} not found`);
  }

  list(
    namespace: string | undefined,
    limit: number,
    cursor?: string,
  ): CommandReply<{ items: SecretSummary[]; next?: string }> {
    const all = this.reconciler.secrets(namespace);
    const start = cursor ? Math.max(0, Number(cursor) || 0) : 0;
    const items = all.slice(start, start + limit).map((held) => this.#summaryOf(held));
    return okReply({ items, ...(start + limit < all.length ? { next: String(start + limit) } : {}) });
  }

  async history(
    namespace: string,
    name: string,
    limit: number,
    cursor?: string,
  ): Promise<CommandReply<{ items: ChainedAuditRow[]; next?: string }>> {
    const before = cursor ? Number(cursor) : undefined;
    if (cursor && !Number.isInteger(before))
      return errorReply('invalid', `page.cursor: must come from a previous page`);
    const items = await this.store.history(namespace, name, limit, before);
    const last = items.at(-1);
    return okReply({
      items,
      ...(items.length === limit && last && last.revision > 1 ? { next: String(last.revision) } : {}),
    });
  }

  async version(namespace: string, name: string, revision: number): Promise<CommandReply<ChainedAuditRow>> {
    const row = await this.store.version(namespace, name, revision);
    return row
      ? okReply(row)
      : errorReply('not_found', `credential ${namespace}/${name}: revision ${revision} not found`);
  }

  async credentials(namespace: string): Promise<CommandReply<{ items: Record<string, unknown>[] }>> {
    const rows = await this.store.served(namespace);
    return okReply({
      items: rows.map((r) => ({
        namespace: r.namespace,
        name: r.name,
        kind: isCaCertName(r.name) ? 'validation-context' : 'tls-certificate',
        revision: r.revision,
        contentHash: r.contentHash,
        state: r.action === 'deleted' ? 'deleted' : 'active',
        notAfter: r.notAfter,
        updatedAt: r.recordedAt,
      })),
    });
  }

  /** Credential versions and rejections as audit events (`keyway.audit.events`). */
  async events(filter: AuditEventsFilter): Promise<CommandReply<{ items: AuditEvent[] }>> {
    if (!this.store.events) return errorReply('unavailable', 'this store keeps no event index');
    return okReply({ items: await this.store.events(filter) });
  }

  /**
   * Verifies the chains page by page (memory follows the number of credentials, not rows), and against
   * the signed checkpoints: only the hashes of the checkpointed revisions are kept while reading.
   */
  async verify(namespace?: string, name?: string): Promise<CommandReply<AuditVerifyResult>> {
    const inScope = (chain: string) => {
      const [ns, n] = chain.split('/');
      return (!namespace || ns === namespace) && (!name || n === name);
    };
    let folded: ReturnType<typeof foldCheckpoints> | undefined;
    if (this.checkpoints) {
      // What this writer committed is checkpointed first, so a version applied a moment ago counts.
      await this.checkpoints.checkpoint();
      folded = foldCheckpoints(await this.checkpoints.read(), this.checkpoints.publicKey);
    }
    const checkpointed = new Map([...(folded?.heads ?? new Map())].filter(([chain]) => inScope(chain)));
    const verifier = new ChainVerifier();
    const heads = new Map<string, number>();
    const hashes = new Map<string, string>();
    for await (const page of this.store.rowPages(namespace, name)) {
      for (const r of page) {
        // Past a break the verifier only counts; heads are still read, for the checkpoint comparison.
        verifier.add(r);
        const chain = `${r.namespace}/${r.name}`;
        heads.set(chain, r.revision);
        if (checkpointed.get(chain)?.revision === r.revision) hashes.set(`${chain}#${r.revision}`, r.rowHash);
      }
    }
    const chains = verifier.result();
    if (!folded) return okReply(chains);
    const mismatches = compareWithCheckpoints(
      checkpointed,
      (chain) => heads.get(chain),
      (chain, revision) => hashes.get(`${chain}#${revision}`),
    );
    return okReply(withCheckpointReport(chains, folded, mismatches));
  }

  #unavailable(resource: string): CommandReply<never> {
    const health = this.reconciler.health();
    return errorReply(
      'unavailable',
      `${resource}: not yet audited (${health.detail ?? 'busy'}); the version is queued and is published once its audit row is written`,
    );
  }

  async #wait(work: Promise<EventOutcome>): Promise<EventOutcome | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>(
      (r) => (timer = setTimeout(() => r(TIMED_OUT), this.applyWaitMs)),
    );
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The DNS and IP names of a credential's serving certificate (none for a CA-only Secret). */
function certificateHosts(v: SecretEntry['validation']): string[] {
  const leaf = v.keyPair?.chain[0];
  if (!leaf) return [];
  return summarizeCertificate(leaf).sans.flatMap((s) =>
    /^(DNS|IP):/.test(s) ? [s.slice(s.indexOf(':') + 1)] : [],
  );
}
