import { encodeMessage, TypeUrl } from '#keyway/envoy-api';
import type { CredentialMaterial, CredentialRecord } from '#keyway/contracts';
import type { ResourceEntry } from '#keyway/xds-protocol';

export const SDS_PREFIX = 'kubernetes://';

export class CredentialShapeError extends Error {
  constructor(
    readonly resource: string,
    reason: string,
  ) {
    super(`${resource}: material: ${reason}`);
    this.name = 'CredentialShapeError';
  }
}

/** The two names a proxy may use for one credential: `kubernetes://<name>` and `kubernetes://<namespace>/<name>`. */
export function sdsNames(namespace: string, sdsName: string): [short: string, qualified: string] {
  return [`${SDS_PREFIX}${sdsName}`, `${SDS_PREFIX}${namespace}/${sdsName}`];
}

/**
 * Reads a requested SDS name: `kubernetes://<name>` is the proxy's own namespace,
 * `kubernetes://<namespace>/<name>` names one explicitly; anything else is not ours.
 */
export function parseSdsName(name: string): { namespace?: string; sdsName: string } | undefined {
  if (!name.startsWith(SDS_PREFIX)) return undefined;
  const rest = name.slice(SDS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return rest ? { sdsName: rest } : undefined;
  const namespace = rest.slice(0, slash);
  const sdsName = rest.slice(slash + 1);
  return namespace && sdsName && !sdsName.includes('/') ? { namespace, sdsName } : undefined;
}

function secretBody(record: CredentialRecord, material: CredentialMaterial): Record<string, unknown> {
  const resource = `Secret/${record.namespace}/${record.name}`;
  if (record.kind === 'tls-certificate') {
    if (!material.certificateChain || !material.privateKey) {
      throw new CredentialShapeError(resource, 'a tls-certificate needs certificateChain and privateKey');
    }
    return {
      tls_certificate: {
        certificate_chain: { inline_bytes: Buffer.from(material.certificateChain) },
        private_key: { inline_bytes: Buffer.from(material.privateKey) },
      },
    };
  }
  if (!material.trustedCa) throw new CredentialShapeError(resource, 'a validation-context needs trustedCa');
  return {
    validation_context: {
      trusted_ca: { inline_bytes: Buffer.from(material.trustedCa) },
      ...(material.crl ? { crl: { inline_bytes: Buffer.from(material.crl) } } : {}),
    },
  };
}

/**
 * The Envoy Secret for a credential under both of its names (Envoy matches a Secret by its
 * `name`, so each name gets its own encoding). The version is the record's content hash.
 */
export function credentialSecrets(
  record: CredentialRecord,
  material: CredentialMaterial,
): { name: string; entry: ResourceEntry }[] {
  const body = secretBody(record, material);
  const version = record.contentHash.slice(0, 16);
  return sdsNames(record.namespace, record.name).map((name) => ({
    name,
    entry: { version, bytes: encodeMessage(TypeUrl.Secret, { name, ...body }) },
  }));
}
