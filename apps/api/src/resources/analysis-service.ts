import { Inject, Injectable } from '@nestjs/common';
import {
  SECRET_APPLY_AAD,
  Subjects,
  type AnalyzeRoutingResult,
  type AnalyzeSecretResult,
  type SecretSummary,
} from '#keyway/contracts';
import {
  coverageFindings,
  credentialFindings,
  finding,
  Findings,
  schemaFindings,
  sortFindings,
  type Finding,
} from '#keyway/analysis';
import type { Keyring } from '#keyway/key-material';
import { forward, type CommandSender } from '../forwarder.js';
import { ApiError } from '../http-errors.js';
import { COMMANDS, KEYRING } from '../tokens.js';
import { checkManifest, pluralOfKind, RESOURCE_KINDS } from './kinds.js';

type Obj = Record<string, unknown>;

const V = { schemaVersion: 1 as const };

/** One document of the request, placed in its namespace (the caller has been authorized for it). */
export interface AnalysisDocument {
  namespace: string;
  object: Obj;
}

export interface AnalyzedDocument {
  kind: string;
  namespace: string;
  name: string;
  /** `Kind/namespace/name`, as findings name it. */
  resource: string;
  exists: boolean;
  /** An apply would refuse it (schema, unmanaged kind, a Secret that fails validation). */
  rejected: boolean;
}

export interface Analysis {
  documents: AnalyzedDocument[];
  findings: Finding[];
}

/**
 * `keyway analyze` and `apply --dry-run=server`: every document goes through the validation an apply
 * runs, by the service that owns it (Secrets by the secret-watcher, sealed as an apply is; routing by
 * the route-compiler, compiled with the request's objects on top of what is stored), and nothing
 * changes anywhere. The findings come back with Istio's codes where Istio has the same finding.
 */
@Injectable()
export class AnalysisService {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandSender,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  async analyze(documents: readonly AnalysisDocument[]): Promise<Analysis> {
    const findings: Finding[] = [];
    const analyzed: AnalyzedDocument[] = [];
    const routing: { manifest: unknown; at: number }[] = [];
    const credentials: { namespace: string; name: string }[] = [];
    // The names of the request's own Secrets' certificates (`namespace/name`).
    const certificateNames = new Map<string, readonly string[]>();
    for (const { namespace, object } of documents) {
      const kind = String(object.kind ?? '');
      const name = String((object.metadata as Obj | undefined)?.name ?? '');
      const resource = `${kind || '?'}/${namespace}/${name || '?'}`;
      const doc: AnalyzedDocument = { kind, namespace, name, resource, exists: false, rejected: false };
      analyzed.push(doc);
      const reject = (more: Finding[]) => {
        doc.rejected = true;
        findings.push(...more);
      };
      const plural = pluralOfKind(kind);
      if (!plural) {
        reject([
          finding(Findings.unmanagedKind, resource, `kind ${JSON.stringify(kind)} is not managed by keyway`),
        ]);
        continue;
      }
      const owner = RESOURCE_KINDS[plural].owner;
      const checked = checkManifest(plural, namespace, object, resource);
      if (!checked.ok) {
        // A Secret's shape is part of its validation (KW0105); anything else is a schema error.
        reject(
          owner === 'secrets' && checked.stage === 'schema'
            ? credentialFindings(resource, { errors: checked.errors, warnings: [] })
            : schemaFindings(resource, checked.errors),
        );
        continue;
      }
      if (owner === 'secrets') {
        const sealedManifest = this.keyring.seal(JSON.stringify(checked.value), SECRET_APPLY_AAD);
        const r = await forward<AnalyzeSecretResult>(this.commands, Subjects.secrets.analyze, {
          ...V,
          sealedManifest,
        });
        doc.exists = r.object.exists;
        if (r.valid) {
          findings.push(...r.findings);
          credentials.push({ namespace, name });
          if (r.hosts) certificateNames.set(`${namespace}/${name}`, r.hosts);
        } else reject(r.findings);
      } else if (owner === 'routing') routing.push({ manifest: checked.value, at: analyzed.length - 1 });
      else doc.exists = await this.#certificateExists(namespace, name);
    }
    if (routing.length > 0 || credentials.length > 0) {
      const r = await forward<AnalyzeRoutingResult>(this.commands, Subjects.routing.analyze, {
        ...V,
        manifests: routing.map((x) => x.manifest),
        credentials,
      });
      r.objects.forEach((o, i) => {
        const doc = analyzed[routing[i]!.at];
        doc.exists = o.exists;
      });
      for (const f of r.findings) {
        findings.push(f);
        if (f.code === Findings.schemaValidationError.code) {
          const doc = analyzed.find((d) => d.resource === f.resource);
          if (doc) doc.rejected = true;
        }
      }
      const uses = r.credentialUses ?? [];
      for (const use of uses) {
        const key = `${use.namespace}/${use.credentialName}`;
        if (!certificateNames.has(key))
          certificateNames.set(key, await this.#storedCertificateNames(use.namespace, use.credentialName));
      }
      findings.push(...coverageFindings(uses, (ns, name) => certificateNames.get(`${ns}/${name}`)));
    }
    return { documents: analyzed, findings: sortFindings(findings) };
  }

  /** The DNS names of a stored credential's certificate; none when it is missing (reported elsewhere). */
  async #storedCertificateNames(namespace: string, name: string): Promise<readonly string[]> {
    try {
      const s = await forward<SecretSummary>(this.commands, Subjects.secrets.get, { ...V, namespace, name });
      return s.hosts ?? [];
    } catch (e) {
      if (e instanceof ApiError && e.getStatus() === 404) return [];
      throw e;
    }
  }

  async #certificateExists(namespace: string, name: string): Promise<boolean> {
    try {
      await forward(this.commands, Subjects.ca.certificates.get, { ...V, namespace, name });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.getStatus() === 404) return false;
      throw e;
    }
  }
}
