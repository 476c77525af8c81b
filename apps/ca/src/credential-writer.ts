import {
  SECRET_APPLY_AAD,
  type Actor,
  type ApplySecretResult,
  type CommandReply,
  type IssuedCertificate,
  type SecretManifest,
} from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import type { DataSource } from '#keyway/persistence';
import { CaError } from './errors.js';
import type { Issued } from './issuance.js';
import type { RevocationService } from './revocation.js';

/** The secret-watcher's apply command, behind a seam so unit tests can record instead of send. */
export interface SecretApplier {
  apply(request: {
    schemaVersion: 1;
    sealedManifest: ReturnType<Keyring['seal']>;
    actor: Actor;
    reason?: string;
  }): Promise<CommandReply<ApplySecretResult>>;
}

export interface CredentialTarget {
  namespace: string;
  secretName: string;
  includeCa: boolean;
  includeCrl: boolean;
}

export interface CredentialWritten {
  certificate: IssuedCertificate;
  secret: ApplySecretResult;
  /** The `<name>-cacert` Secret (CA chain and CRL), when the CRL was asked for. */
  caSecret?: ApplySecretResult;
}

export interface CrlTargetRefresh {
  updated: string[];
  failed: Array<{ secret: string; message: string }>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Writes an issued certificate and its key into a Secret through `keyway.secrets.apply`, so the
 * secret-watcher audits and publishes it like any other credential. The manifest (with the key)
 * travels sealed; what comes back to the caller is the certificate without its key.
 */
export class CredentialWriter {
  /** Outcome of the last refresh of `-cacert` Secrets after a new CRL (for status and tests). */
  lastCrlRefresh: CrlTargetRefresh = { updated: [], failed: [] };

  constructor(
    private readonly ds: DataSource,
    private readonly secrets: SecretApplier,
    private readonly revocation: RevocationService,
    private readonly dataKeys: Keyring,
  ) {
    revocation.onRegenerated(async (crl) => {
      await this.refreshCrlTargets(crl.issuer, crl.crlPem);
    });
  }

  async write(
    issued: Issued,
    target: CredentialTarget,
    actor: Actor,
    reason: string,
  ): Promise<CredentialWritten> {
    if (!issued.privateKey) throw new CaError('internal', 'issue into a credential needs a CA-generated key');
    const c = issued.certificate;
    const data: Record<string, string> = {
      // The leaf then the CAs below the root: what a TLS server presents.
      'tls.crt': b64(c.certificatePem + c.chainPem),
      'tls.key': b64(issued.privateKey.reveal()),
    };
    const caPem = c.chainPem + c.caBundlePem;
    let crlPem: string | undefined;
    if (target.includeCa) data['ca.crt'] = b64(caPem);
    if (target.includeCrl) {
      crlPem = (await this.revocation.crl(issued.authority.name)).crlPem;
      data['ca.crl'] = b64(crlPem);
    }
    const manifest: SecretManifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: target.secretName,
        namespace: target.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'keyway-ca' },
        annotations: { 'keyway.io/issuer': issued.authority.name, 'keyway.io/serial': c.serial },
      },
      type: 'kubernetes.io/tls',
      data,
    };
    const secret = await this.#apply(manifest, actor, reason);
    if (!crlPem) return { certificate: c, secret };
    // The CRL changes without the key, so it also goes into `<name>-cacert` (which the secret-watcher
    // prefers over a CA inside `<name>`): that Secret is re-applied on every new CRL of the issuer.
    const caName = `${target.secretName}-cacert`;
    await this.ds.query(
      `INSERT INTO crl_targets (namespace, name, issuer, ca_pem) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, name) DO UPDATE SET issuer = EXCLUDED.issuer, ca_pem = EXCLUDED.ca_pem, updated_at = now()`,
      [target.namespace, caName, issued.authority.name, caPem],
    );
    const caSecret = await this.#apply(
      caSecretManifest(target.namespace, caName, issued.authority.name, caPem, crlPem),
      actor,
      reason,
    );
    return { certificate: c, secret, caSecret };
  }

  /** Re-applies every `-cacert` Secret of the issuer with its new CRL. Failures are collected, not thrown. */
  async refreshCrlTargets(issuer: string, crlPem: string): Promise<CrlTargetRefresh> {
    const rows: Array<{ namespace: string; name: string; ca_pem: string }> = await this.ds.query(
      'SELECT namespace, name, ca_pem FROM crl_targets WHERE issuer = $1 ORDER BY namespace, name',
      [issuer],
    );
    const out: CrlTargetRefresh = { updated: [], failed: [] };
    const actor: Actor = { kind: 'service', name: 'ca' };
    for (const row of rows) {
      const secret = `${row.namespace}/${row.name}`;
      try {
        await this.#apply(
          caSecretManifest(row.namespace, row.name, issuer, row.ca_pem, crlPem),
          actor,
          `new CRL of ${issuer}`,
        );
        out.updated.push(secret);
      } catch (e) {
        out.failed.push({ secret, message: (e as Error).message });
      }
    }
    this.lastCrlRefresh = out;
    return out;
  }

  async #apply(manifest: SecretManifest, actor: Actor, reason: string): Promise<ApplySecretResult> {
    const sealedManifest = this.dataKeys.seal(JSON.stringify(manifest), SECRET_APPLY_AAD);
    const reply = await this.secrets.apply({ schemaVersion: 1, sealedManifest, actor, reason });
    if (!reply.ok) {
      throw new CaError(
        reply.error.code,
        `Secret/${manifest.metadata.namespace}/${manifest.metadata.name}: keyway.secrets.apply: ${reply.error.message}`,
        reply.error.errors,
      );
    }
    return reply.result;
  }
}

function caSecretManifest(
  namespace: string,
  name: string,
  issuer: string,
  caPem: string,
  crlPem: string,
): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'keyway-ca' },
      annotations: { 'keyway.io/issuer': issuer },
    },
    type: 'Opaque',
    data: { 'ca.crt': b64(caPem), 'ca.crl': b64(crlPem) },
  };
}
