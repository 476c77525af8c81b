import { parseDuration, type KeyType } from '#keyway/ca-policy';
import {
  CA_IMPORT_AAD,
  type Actor,
  type AuthoritySummary,
  type createIntermediateRequest,
  type createRootRequest,
  type importCaRequest,
} from '#keyway/contracts';
import { PrivateKeyPem, type Keyring, type SealedEnvelope } from '#keyway/key-material';
import type { DataSource } from '#keyway/persistence';
import { Issuer, issueCertificate, parseCertificate, verifySignedBy } from '#keyway/pki';
import type { z } from 'zod';
import { CaError } from './errors.js';

/** A CA ready to sign: its row plus the pki Issuer holding the opened key (never serialized). */
export interface LoadedAuthority {
  name: string;
  parent: string | null;
  kind: 'root' | 'intermediate';
  certificatePem: string;
  /** CAs above it, nearest first, root last; empty for a root. */
  chainPems: string[];
  keyType: string;
  subject: string;
  serial: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  issuer: Issuer;
}

interface AuthorityRow {
  name: string;
  parent: string | null;
  kind: 'root' | 'intermediate';
  certificate_pem: string;
  chain_pem: string;
  sealed_key: SealedEnvelope;
  key_type: string;
  subject: string;
  serial: string;
  fingerprint: string;
  not_before: Date;
  not_after: Date;
  crl_number: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g;
const splitChain = (pem: string): string[] =>
  (pem.match(CERT_BLOCK) ?? []).map((b) => (b.endsWith('\n') ? b : `${b}\n`));

/** Associated data binding a sealed CA key to its CA: a row's key cannot be swapped into another. */
export const caKeyAad = (name: string): string => `ca-key/${name}`;

/**
 * The CA hierarchy: roots and intermediates, their keys sealed in Postgres under the master
 * keyring and opened only into an in-memory Issuer. No method returns a CA key.
 */
export class AuthorityService {
  readonly #loaded = new Map<string, LoadedAuthority>();

  constructor(
    private readonly ds: DataSource,
    private readonly masterKeys: Keyring,
    private readonly dataKeys: Keyring,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async createRoot(req: z.output<typeof createRootRequest>): Promise<AuthoritySummary> {
    await this.#mustNotExist(req.name);
    const ttl = this.#ttl(req.ttl);
    const now = this.clock();
    const cert = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: req.commonName, organization: req.organization },
      notBefore: now,
      notAfter: new Date(now.getTime() + ttl * 1000),
      keyType: req.keyType,
    });
    return this.#store(
      req.name,
      null,
      'root',
      cert.pem,
      [],
      cert.keyPair!.privateKeyPem,
      req.keyType,
      req.actor,
    );
  }

  async createIntermediate(req: z.output<typeof createIntermediateRequest>): Promise<AuthoritySummary> {
    await this.#mustNotExist(req.name);
    const parent = await this.get(req.parent);
    const now = this.clock();
    const wanted = new Date(now.getTime() + this.#ttl(req.ttl) * 1000);
    // An intermediate never outlives the CA that signs it.
    const notAfter = wanted > parent.notAfter ? parent.notAfter : wanted;
    if (notAfter.getTime() <= now.getTime()) throw new CaError('invalid', `issuer ${req.parent}: expired`);
    const cert = issueCertificate({
      profile: 'intermediate-ca',
      subject: { commonName: req.commonName, organization: req.organization },
      notBefore: now,
      notAfter,
      pathLen: req.pathLen,
      keyType: req.keyType,
      issuer: parent.issuer,
    });
    const chain = [parent.certificatePem, ...parent.chainPems];
    return this.#store(
      req.name,
      parent.name,
      'intermediate',
      cert.pem,
      chain,
      cert.keyPair!.privateKeyPem,
      req.keyType,
      req.actor,
    );
  }

  /** Imports an existing CA; its key arrives sealed under the data key (associated data `ca-import`). */
  async import(req: z.output<typeof importCaRequest>): Promise<AuthoritySummary> {
    await this.#mustNotExist(req.name);
    let key: PrivateKeyPem;
    try {
      key = new PrivateKeyPem(this.dataKeys.open(req.sealedPrivateKey, CA_IMPORT_AAD).toString('utf8'));
    } catch (e) {
      throw new CaError('invalid', `sealedPrivateKey: ${(e as Error).message}`);
    }
    let issuer: Issuer;
    try {
      issuer = Issuer.from({ certificate: req.certificatePem, privateKey: key });
    } catch (e) {
      throw new CaError('invalid', `certificatePem: ${(e as Error).message}`);
    }
    const chain = splitChain(req.chainPem ?? '');
    const cert = issuer.certificate;
    if (chain.length > 0 && !verifySignedBy(issuer.certificatePem, chain[0])) {
      throw new CaError('invalid', 'chainPem: its first certificate did not sign certificatePem');
    }
    const kind = cert.selfIssued ? 'root' : 'intermediate';
    let parent: string | null = null;
    if (chain.length > 0) {
      const above = parseCertificate(chain[0]).fingerprintSha256;
      const rows: Array<{ name: string }> = await this.ds.query(
        'SELECT name FROM authorities WHERE fingerprint = $1',
        [above],
      );
      parent = rows[0]?.name ?? null;
    }
    return this.#store(
      req.name,
      parent,
      kind,
      issuer.certificatePem,
      chain,
      key,
      cert.publicKey.keyType,
      req.actor,
    );
  }

  async list(): Promise<AuthoritySummary[]> {
    const rows: AuthorityRow[] = await this.ds.query('SELECT * FROM authorities ORDER BY name');
    return rows.map(summary);
  }

  /** The CA, opened (cached after the first use). */
  async get(name: string): Promise<LoadedAuthority> {
    const cached = this.#loaded.get(name);
    if (cached) return cached;
    const rows: AuthorityRow[] = await this.ds.query('SELECT * FROM authorities WHERE name = $1', [name]);
    if (rows.length === 0) throw new CaError('not_found', `issuer ${name}: not found`);
    const row = rows[0];
    const key = new PrivateKeyPem(this.masterKeys.open(row.sealed_key, caKeyAad(name)).toString('utf8'));
    const loaded: LoadedAuthority = {
      name: row.name,
      parent: row.parent,
      kind: row.kind,
      certificatePem: row.certificate_pem,
      chainPems: splitChain(row.chain_pem),
      keyType: row.key_type,
      subject: row.subject,
      serial: row.serial,
      fingerprint: row.fingerprint,
      notBefore: new Date(row.not_before),
      notAfter: new Date(row.not_after),
      issuer: Issuer.from({ certificate: row.certificate_pem, privateKey: key }),
    };
    this.#loaded.set(name, loaded);
    return loaded;
  }

  /** Master-key rotation: re-seals every CA key not yet under the active master key. */
  async resealKeys(): Promise<number> {
    const rows: Array<{ name: string; sealed_key: SealedEnvelope }> = await this.ds.query(
      'SELECT name, sealed_key FROM authorities WHERE sealed_key->>$1 <> $2',
      ['kid', this.masterKeys.activeKeyId],
    );
    for (const row of rows) {
      const resealed = this.masterKeys.reseal(row.sealed_key, caKeyAad(row.name));
      await this.ds.query(
        'UPDATE authorities SET sealed_key = $2 WHERE name = $1 AND sealed_key = $3::jsonb',
        [row.name, JSON.stringify(resealed), JSON.stringify(row.sealed_key)],
      );
    }
    return rows.length;
  }

  #ttl(text: string): number {
    const d = parseDuration(text);
    if (!d.ok || d.seconds <= 0)
      throw new CaError('invalid', `ttl: ${d.ok ? 'must be longer than 0s' : d.message}`);
    return d.seconds;
  }

  async #mustNotExist(name: string): Promise<void> {
    const rows: unknown[] = await this.ds.query('SELECT 1 FROM authorities WHERE name = $1', [name]);
    if (rows.length > 0) throw new CaError('conflict', `issuer ${name}: already exists`);
  }

  async #store(
    name: string,
    parent: string | null,
    kind: 'root' | 'intermediate',
    certificatePem: string,
    chainPems: string[],
    key: PrivateKeyPem,
    keyType: KeyType | string,
    actor: Actor,
  ): Promise<AuthoritySummary> {
    const cert = parseCertificate(certificatePem);
    const sealed = this.masterKeys.seal(key.reveal(), caKeyAad(name));
    const rows: AuthorityRow[] = await this.ds.query(
      `INSERT INTO authorities (name, parent, kind, certificate_pem, chain_pem, sealed_key, key_type, subject, serial,
                                fingerprint, not_before, not_after, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [
        name,
        parent,
        kind,
        certificatePem,
        chainPems.join(''),
        JSON.stringify(sealed),
        keyType,
        cert.subject,
        cert.serialHex,
        cert.fingerprintSha256,
        cert.notBefore.toISOString(),
        cert.notAfter.toISOString(),
        JSON.stringify(actor),
      ],
    );
    if (rows.length === 0) throw new CaError('conflict', `issuer ${name}: already exists`);
    return summary(rows[0]);
  }
}

function summary(row: AuthorityRow): AuthoritySummary {
  return {
    name: row.name,
    parent: row.parent,
    kind: row.kind,
    subject: row.subject,
    serial: row.serial,
    fingerprint: row.fingerprint,
    keyType: row.key_type as AuthoritySummary['keyType'],
    notBefore: new Date(row.not_before).toISOString(),
    notAfter: new Date(row.not_after).toISOString(),
    certificatePem: row.certificate_pem,
    chainPem: row.chain_pem,
    crlNumber: Number(row.crl_number),
  };
}
