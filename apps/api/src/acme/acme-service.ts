import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AcmeError,
  MAX_EAB_KID_LENGTH,
  NonceBook,
  acmeError,
  authorizationStatusAt,
  authorizationTarget,
  challengeTypesFor,
  checkFinalizeCsr,
  checkKeyChange,
  checkProtectedHeader,
  deactivateAuthorization,
  importJwk,
  jsonPayload,
  keyAuthorization,
  parseExternalAccountBinding,
  parseJws,
  parseOrderIdentifiers,
  policyRefusalProblem,
  problem,
  requireReady,
  requireValidAccount,
  respondToChallenge,
  revocationReasonOf,
  verifyExternalAccountBinding,
  verifyJws,
  CHALLENGE_TYPES,
  type AcmeProblem,
  type ChallengeType,
  type ImportedKey,
  type ParsedJws,
} from '#keyway/acme';
import { Subjects, type Actor, type CommandReply, type FieldError } from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import { parseCertificate } from '#keyway/pki';
import type { CommandSender } from '../forwarder.js';
import type { TokenBucketLimiter } from '../auth/rate-limiter.js';
import type { AccountRow, AcmeStore, AuthorizationRow, StoredChallenge } from './acme-store.js';
import { AcmeUrls, accountActorName } from './acme-urls.js';
import { accountView, authorizationView, challengeView, orderStatusNow, orderView } from './acme-views.js';
import type { Validator } from './challenge-validator.js';
import { ValidationQueue } from './validation-queue.js';

export interface AcmeSettings {
  requireEab: boolean;
  defaultTeam?: string;
  maxIdentifiers: number;
  orderLifetimeMs: number;
  authzLifetimeMs: number;
  /** Orders listed on an account's orders URL, newest first. */
  maxListedOrders: number;
  /** How long a challenge response waits for its validation before answering `processing`. */
  challengeWaitMs: number;
}

/** One ACME request as the HTTP door hands it over. */
export interface AcmeRequest {
  urls: AcmeUrls;
  /** The URL the request was sent to, as the JWS must name it. */
  url: string;
  /** The parsed JSON body (a flattened JWS). */
  body: unknown;
  /** The client address: the rate-limit key before an account is known. */
  address: string;
}

export interface AcmeAnswer {
  status: number;
  body?: unknown;
  contentType?: string;
  location?: string;
  links?: Array<{ url: string; rel: string }>;
  retryAfter?: number;
}

/** What a verified request carries on: the JWS, its payload and who signed it. */
interface Verified {
  jws: ParsedJws;
  payload: Record<string, unknown> | undefined;
  account?: AccountRow;
  key?: ImportedKey;
}

const EAB_AAD = (kid: string) => `acme-eab/${kid}`;
const newId = () => randomBytes(16).toString('base64url');
const MAX_CONTACTS = 10;
/** Seconds clients are told to wait before polling a pending resource again. */
export const RETRY_AFTER_SECONDS = 1;
/** Accounts (with their imported keys) are kept this long: every request names one. */
const ACCOUNT_CACHE_MS = 5000;
const ACCOUNT_CACHE_SIZE = 10_000;

/**
 * The ACME server's use cases (RFC 8555 §7): the protocol rules come from libs/acme, the state from
 * AcmeStore, policy, issuance and revocation from the ca over NATS, validation from the Validator.
 */
export class AcmeService {
  readonly #accounts = new Map<string, { row: AccountRow; key: ImportedKey; until: number }>();

  constructor(
    private readonly store: AcmeStore,
    private readonly commands: CommandSender,
    private readonly keyring: Keyring,
    private readonly nonces: NonceBook,
    private readonly limiter: TokenBucketLimiter,
    private readonly validations: ValidationQueue,
    private readonly validator: Validator,
    private readonly settings: AcmeSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  issueNonce(): string {
    return this.nonces.issue();
  }

  /** Bounds what one client address asks before any account is known. */
  limitAddress(address: string): void {
    this.#limit(`address:${address}`);
  }

  #limit(key: string): void {
    const d = this.limiter.take(key);
    if (!d.allowed) throw acmeError('rateLimited', `too many requests; retry in ${d.retryAfterSeconds}s`, {});
  }

  directory(urls: AcmeUrls): AcmeAnswer {
    return {
      status: 200,
      body: {
        newNonce: urls.newNonce,
        newAccount: urls.newAccount,
        newOrder: urls.newOrder,
        revokeCert: urls.revokeCert,
        keyChange: urls.keyChange,
        meta: { externalAccountRequired: this.settings.requireEab, website: 'https://github.com/keyway' },
      },
    };
  }

  /** RFC 8555 §6.2–6.5: parse, header rules, nonce, then the key: a new jwk or the account's. */
  async #verify(req: AcmeRequest, key: 'jwk' | 'kid' | 'either'): Promise<Verified> {
    const jws = parseJws(req.body);
    const header = checkProtectedHeader(jws, { url: req.url, key });
    this.nonces.redeem(header.nonce);
    if (header.ref.kind === 'jwk') {
      this.#limit(`key:${header.ref.key.thumbprint}`);
      verifyJws(jws, header.alg, header.ref.key);
      return { jws, payload: jsonPayload(jws), key: header.ref.key };
    }
    const id = req.urls.accountIdOf(header.ref.kid);
    if (!id) throw acmeError('accountDoesNotExist', 'kid is not an account URL of this directory');
    this.#limit(`account:${id}`);
    const { row, key: accountKey } = await this.#account(id);
    verifyJws(jws, header.alg, accountKey);
    requireValidAccount(row.status);
    return { jws, payload: jsonPayload(jws), account: row };
  }

  async #account(id: string): Promise<{ row: AccountRow; key: ImportedKey }> {
    const cached = this.#accounts.get(id);
    if (cached && cached.until > Date.now()) return cached;
    const row = await this.store.account(id);
    if (!row) throw acmeError('accountDoesNotExist', 'no such account');
    const entry = { row, key: importJwk(row.jwk), until: Date.now() + ACCOUNT_CACHE_MS };
    if (this.#accounts.size >= ACCOUNT_CACHE_SIZE) this.#accounts.clear();
    this.#accounts.set(id, entry);
    return entry;
  }

  #forget(id: string): void {
    this.#accounts.delete(id);
  }

  #actor(urls: AcmeUrls, account: AccountRow): Actor {
    return {
      kind: 'acme',
      name: accountActorName(urls.issuer, account.id),
      ...(account.team ? { team: account.team } : {}),
    };
  }

  // ---- accounts (§7.3)

  async newAccount(req: AcmeRequest): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'jwk');
    const key = v.key!;
    const p = v.payload ?? {};
    const existing = await this.store.accountByKey(req.urls.issuer, key.thumbprint);
    if (existing)
      return { status: 200, body: accountView(existing, req.urls), location: req.urls.account(existing.id) };
    if (p.onlyReturnExisting === true) throw acmeError('accountDoesNotExist', 'no account has this key');
    const contact = checkContacts(p.contact);
    let team: string | null;
    let eabKid: string | null = null;
    if (p.externalAccountBinding !== undefined) {
      const binding = parseExternalAccountBinding(p.externalAccountBinding, {
        url: req.url,
        accountJwk: key.jwk,
      });
      const eab = binding.kid.length <= MAX_EAB_KID_LENGTH ? await this.store.eabKey(binding.kid) : undefined;
      if (!eab || eab.revokedAt)
        throw acmeError(
          'unauthorized',
          `externalAccountBinding: EAB key ${JSON.stringify(binding.kid)} is unknown or revoked`,
        );
      const hmacKey = this.keyring.open(eab.sealedKey, EAB_AAD(eab.kid));
      try {
        verifyExternalAccountBinding(binding, hmacKey);
      } finally {
        hmacKey.fill(0);
      }
      team = eab.team;
      eabKid = eab.kid;
    } else if (this.settings.requireEab) {
      throw acmeError(
        'externalAccountRequired',
        'this server binds accounts to keyway teams: create an EAB key (keyway acme eab create --team T)',
      );
    } else team = this.settings.defaultTeam ?? null;
    const { account, created } = await this.store.createAccount({
      id: newId(),
      issuer: req.urls.issuer,
      thumbprint: key.thumbprint,
      jwk: key.jwk,
      status: 'valid',
      contact,
      team,
      eabKid,
    });
    if (created)
      this.logger.info(
        { issuer: req.urls.issuer, account: account.id, team, eabKid },
        'acme account created',
      );
    return {
      status: created ? 201 : 200,
      body: accountView(account, req.urls),
      location: req.urls.account(account.id),
    };
  }

  async account(req: AcmeRequest, id: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const account = this.#own(v.account!, id);
    const p = v.payload;
    let updated = account;
    if (p?.status !== undefined) {
      if (p.status !== 'deactivated')
        throw acmeError('malformed', 'status: only "deactivated" may be requested');
      updated = await this.store.updateAccount(id, { status: 'deactivated' });
      this.#forget(id);
      this.logger.info({ issuer: req.urls.issuer, account: id }, 'acme account deactivated');
    } else if (p?.contact !== undefined) {
      updated = await this.store.updateAccount(id, { contact: checkContacts(p.contact) });
      this.#forget(id);
    }
    return { status: 200, body: accountView(updated, req.urls), location: req.urls.account(id) };
  }

  async orders(req: AcmeRequest, id: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    this.#own(v.account!, id);
    const ids = await this.store.orderUrlsOf(id, this.settings.maxListedOrders);
    return { status: 200, body: { orders: ids.map((o) => req.urls.order(o)) } };
  }

  #own(account: AccountRow, id: string): AccountRow {
    if (account.id !== id) throw acmeError('unauthorized', 'the request is signed by another account');
    return account;
  }

  async keyChange(req: AcmeRequest): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const account = v.account!;
    const newKey = checkKeyChange(v.payload, {
      url: req.url,
      accountUrl: req.urls.account(account.id),
      oldJwk: account.jwk,
    });
    if (!(await this.store.changeAccountKey(account.id, newKey.thumbprint, newKey.jwk))) {
      const other = await this.store.accountByKey(req.urls.issuer, newKey.thumbprint);
      throw new AcmeError({
        ...problem('malformed', 'keyChange: another account already has the new key'),
        status: 409,
        ...(other ? { detail: `keyChange: the new key belongs to ${req.urls.account(other.id)}` } : {}),
      });
    }
    this.#forget(account.id);
    this.logger.info({ issuer: req.urls.issuer, account: account.id }, 'acme account key changed');
    const updated = (await this.store.account(account.id))!;
    return { status: 200, body: accountView(updated, req.urls), location: req.urls.account(account.id) };
  }

  // ---- orders (§7.4)

  async newOrder(req: AcmeRequest): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const account = v.account!;
    const p = v.payload ?? {};
    const identifiers = parseOrderIdentifiers(p.identifiers, this.settings.maxIdentifiers);
    if (p.notBefore !== undefined)
      throw acmeError('malformed', 'notBefore is not supported: certificates start now');
    const now = this.now();
    const notAfter = p.notAfter === undefined ? null : parseTime(p.notAfter, 'notAfter');
    if (notAfter && notAfter.getTime() <= now.getTime())
      throw acmeError('malformed', 'notAfter is in the past');
    if (!account.team)
      throw acmeError('rejectedIdentifier', 'the account is bound to no team: bind it with an EAB key');
    const decision = await this.commands.send(Subjects.ca.authorize, {
      schemaVersion: 1,
      issuer: req.urls.issuer,
      sans: { dns: identifiers.map((i) => i.value), ip: [], uri: [] },
      ...(notAfter ? { ttl: ttlUntil(now, notAfter) } : {}),
      actor: this.#actor(req.urls, account),
      reason: 'ACME newOrder',
    });
    if (!decision.ok) {
      if (decision.error.code === 'forbidden')
        throw new AcmeError(policyRefusalProblem(identifiers, decision.error.errors ?? []));
      throw this.#caFailure(decision, 'newOrder');
    }
    const expires = new Date(now.getTime() + this.settings.orderLifetimeMs);
    const authzExpires = new Date(now.getTime() + this.settings.authzLifetimeMs);
    const authzs: AuthorizationRow[] = identifiers.map((identifier) => {
      const target = authorizationTarget(identifier);
      const challenges: AuthorizationRow['challenges'] = {};
      for (const t of challengeTypesFor(target.wildcard)) challenges[t] = { status: 'pending' };
      return {
        id: newId(),
        accountId: account.id,
        identifier: target.identifier.value,
        wildcard: target.wildcard,
        status: 'pending',
        expires: authzExpires,
        token: randomBytes(32).toString('base64url'),
        challenges,
      };
    });
    const order = {
      id: newId(),
      accountId: account.id,
      issuer: req.urls.issuer,
      status: 'pending' as const,
      identifiers,
      authorizations: authzs.map((a) => a.id),
      expires,
      notBefore: null,
      notAfter,
    };
    await this.store.createOrder(order, authzs);
    return {
      status: 201,
      body: orderView({ ...order, error: null, serial: null, authzStates: authzs }, req.urls, now),
      location: req.urls.order(order.id),
    };
  }

  async order(req: AcmeRequest, id: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const order = await this.store.order(id);
    if (!order || order.issuer !== req.urls.issuer) throw notFound('order');
    this.#own(v.account!, order.accountId);
    const view = orderView(order, req.urls, this.now());
    return { status: 200, body: view, location: req.urls.order(id), ...pendingRetry(view.status) };
  }

  async finalize(req: AcmeRequest, id: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const account = v.account!;
    const order = await this.store.order(id);
    if (!order || order.issuer !== req.urls.issuer) throw notFound('order');
    this.#own(account, order.accountId);
    const now = this.now();
    requireReady(orderStatusNow(order, now));
    const csrPem = checkFinalizeCsr(v.payload?.csr, order.identifiers);
    if (!(await this.store.startFinalize(id)))
      throw acmeError('orderNotReady', 'the order is already being finalized');
    const reply = await this.commands.send<{ serial: string; certificatePem: string; chainPem: string }>(
      Subjects.ca.sign,
      {
        schemaVersion: 1,
        issuer: req.urls.issuer,
        csrPem,
        usage: 'server',
        ...(order.notAfter ? { ttl: ttlUntil(now, order.notAfter) } : {}),
        actor: this.#actor(req.urls, account),
      },
    );
    if (!reply.ok) {
      const refusal = signRefusal(order.identifiers, reply);
      if (!refusal) {
        await this.store.failOrder(id, problem('serverInternal', 'issuance failed; try a new order'));
        throw this.#caFailure(reply, 'finalize');
      }
      await this.store.failOrder(id, refusal);
      throw new AcmeError(refusal);
    }
    const cert = reply.result;
    const parsed = parseCertificate(cert.certificatePem);
    await this.store.completeOrder({
      serial: cert.serial,
      orderId: id,
      accountId: account.id,
      issuer: req.urls.issuer,
      team: account.team!,
      identifiers: order.identifiers.map((i) => i.value),
      certificatePem: cert.certificatePem,
      chainPem: cert.chainPem,
      spkiSha256: sha256Hex(parsed.spkiDer),
    });
    const done = { ...order, status: 'valid' as const, serial: cert.serial };
    return { status: 200, body: orderView(done, req.urls, now), location: req.urls.order(id) };
  }

  // ---- authorizations and challenges (§7.5)

  async authorization(req: AcmeRequest, id: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    let authz = await this.#authz(id, v.account!);
    if (v.payload?.status !== undefined) {
      if (v.payload.status !== 'deactivated')
        throw acmeError('malformed', 'status: only "deactivated" may be requested');
      const next = deactivateAuthorization(authorizationStatusAt(authz.status, authz.expires, this.now()));
      await this.store.setAuthorizationStatus(id, next);
      authz = { ...authz, status: next };
    }
    const view = authorizationView(authz, req.urls, this.now());
    return { status: 200, body: view, ...pendingRetry(view.status) };
  }

  async #authz(id: string, account: AccountRow): Promise<AuthorizationRow> {
    const authz = await this.store.authorization(id);
    if (!authz) throw notFound('authorization');
    if (authz.accountId !== account.id)
      throw acmeError('unauthorized', 'the authorization belongs to another account');
    return authz;
  }

  async challenge(req: AcmeRequest, authzId: string, type: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const account = v.account!;
    if (!(CHALLENGE_TYPES as readonly string[]).includes(type)) throw notFound('challenge');
    const t = type as ChallengeType;
    let authz = await this.#authz(authzId, account);
    const c = authz.challenges[t];
    if (!c) throw notFound('challenge');
    const up = [{ url: req.urls.authorization(authzId), rel: 'up' }];
    // POST-as-GET reads the challenge; any JSON object (RFC 8555: `{}`) is the client's response.
    if (v.payload !== undefined) {
      const now = this.now();
      const step = respondToChallenge(c.status, authorizationStatusAt(authz.status, authz.expires, now));
      if (step === 'validate') {
        this.validations.reserve();
        const started = await this.store.startChallenge(authzId, t).catch((e: Error) => {
          this.validations.release();
          throw e;
        });
        if (!started) this.validations.release();
        else {
          const keyAuth = keyAuthorization(authz.token, (await this.#account(account.id)).key.thumbprint);
          const validation = this.validations.run(() => this.#validate(authz, t, keyAuth));
          // A quick validation is answered at once, saving the client its polls; a slow one is processing.
          const outcome = await settledWithin(validation, this.settings.challengeWaitMs);
          authz = { ...authz, challenges: { ...authz.challenges, [t]: outcome ?? { status: 'processing' } } };
        }
      }
    }
    const view = challengeView(authz, t, req.urls);
    return { status: 200, body: view, links: up, ...pendingRetry(view.status as string) };
  }

  async #validate(authz: AuthorizationRow, type: ChallengeType, keyAuth: string): Promise<StoredChallenge> {
    let outcome: StoredChallenge;
    try {
      await this.validator.validate(type, authz.identifier, keyAuth);
      outcome = { status: 'valid', validated: this.now().toISOString() };
    } catch (e) {
      const error: AcmeProblem =
        e instanceof AcmeError
          ? e.problem
          : problem('serverInternal', `validation failed: ${(e as Error).message}`);
      outcome = { status: 'invalid', error };
    }
    await this.store.finishChallenge(authz.id, type, outcome);
    return outcome;
  }

  // ---- certificates (§7.4.2, §7.6)

  async certificate(req: AcmeRequest, serial: string): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'kid');
    const cert = await this.store.certificate(serial);
    if (!cert || cert.issuer !== req.urls.issuer) throw notFound('certificate');
    this.#own(v.account!, cert.accountId);
    return {
      status: 200,
      contentType: 'application/pem-certificate-chain',
      body: cert.certificatePem + cert.chainPem,
    };
  }

  async revokeCert(req: AcmeRequest): Promise<AcmeAnswer> {
    const v = await this.#verify(req, 'either');
    const p = v.payload;
    if (
      !p ||
      typeof p.certificate !== 'string' ||
      !/^[A-Za-z0-9_-]+$/.test(p.certificate) ||
      p.certificate.length > 16384
    )
      throw acmeError('malformed', 'certificate: a base64url DER certificate is required');
    const reason = revocationReasonOf(p.reason);
    let parsed;
    try {
      parsed = parseCertificate(Buffer.from(p.certificate, 'base64url'));
    } catch (e) {
      throw acmeError('malformed', `certificate: does not parse: ${(e as Error).message}`);
    }
    const cert = await this.store.certificate(parsed.serialHex);
    if (!cert || cert.issuer !== req.urls.issuer)
      throw acmeError('unauthorized', 'the certificate was not issued through this ACME directory');
    let actorAccount: string;
    if (v.account) {
      if (v.account.id !== cert.accountId) {
        const held = await this.store.authorizedNames(v.account.id, cert.identifiers);
        if (!cert.identifiers.every((n) => held.has(n)))
          throw acmeError(
            'unauthorized',
            'the account neither issued this certificate nor holds authorizations for all its names',
          );
      }
      actorAccount = v.account.id;
    } else {
      const spki = v.key!.key.export({ type: 'spki', format: 'der' });
      if (sha256Hex(spki) !== cert.spkiSha256)
        throw acmeError(
          'unauthorized',
          "the request is signed neither by an account nor by the certificate's key",
        );
      actorAccount = cert.accountId;
    }
    const reply = await this.commands.send(Subjects.ca.revoke, {
      schemaVersion: 1,
      serial: cert.serial,
      reason,
      actor: {
        kind: 'acme',
        name: accountActorName(req.urls.issuer, actorAccount) + (v.account ? '' : ' (certificate key)'),
        team: cert.team,
      },
    });
    if (!reply.ok) {
      if (reply.error.code === 'conflict')
        throw acmeError('alreadyRevoked', 'the certificate is already revoked');
      throw this.#caFailure(reply, 'revokeCert');
    }
    await this.store.markRevoked(cert.serial);
    this.logger.info({ issuer: req.urls.issuer, serial: cert.serial, reason }, 'acme certificate revoked');
    return { status: 200 };
  }

  #caFailure(reply: CommandReply<unknown>, step: string): AcmeError {
    const error = reply.ok ? undefined : reply.error;
    if (error?.code === 'not_found') return acmeError('malformed', `${step}: ${error.message}`);
    this.logger.error({ step, code: error?.code, err: error?.message?.slice(0, 500) }, 'acme: the ca failed');
    return new AcmeError({
      ...problem(
        'serverInternal',
        `${step}: the ca could not answer (${error?.code ?? 'unknown'}); try again`,
      ),
      status: error?.code === 'unavailable' ? 503 : 500,
    });
  }
}

/** The promise's value if it settles within `ms`, else undefined (it goes on). */
async function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function notFound(what: string): AcmeError {
  return new AcmeError({ ...problem('malformed', `no such ${what}`), status: 404 });
}

function pendingRetry(status: unknown): { retryAfter?: number } {
  return status === 'pending' || status === 'processing' ? { retryAfter: RETRY_AFTER_SECONDS } : {};
}

function checkContacts(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_CONTACTS)
    throw acmeError('invalidContact', `contact: a list of at most ${MAX_CONTACTS} mailto: URLs`);
  return value.map((c) => {
    if (typeof c !== 'string' || c.length > 256)
      throw acmeError('invalidContact', 'contact: each must be a mailto: URL');
    if (!c.startsWith('mailto:'))
      throw acmeError('unsupportedContact', 'contact: only mailto: URLs are supported');
    if (!/^mailto:[^@\s,?]+@[^@\s,?]+$/.test(c))
      throw acmeError('invalidContact', `contact: ${JSON.stringify(c)} is not one email address`);
    return c;
  });
}

function parseTime(value: unknown, field: string): Date {
  const d = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw acmeError('malformed', `${field}: an RFC 3339 time is required`);
  return d;
}

/** The ca takes a Go-style duration: the seconds from now to `until`. */
function ttlUntil(now: Date, until: Date): string {
  return `${Math.max(1, Math.floor((until.getTime() - now.getTime()) / 1000))}s`;
}

function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** The ca's refusal of a finalize CSR as the RFC's problem: a key or CSR fault is badCSR, names rejectedIdentifier. */
function signRefusal(
  identifiers: Parameters<typeof policyRefusalProblem>[0],
  reply: CommandReply<unknown>,
): AcmeProblem | undefined {
  if (reply.ok) return undefined;
  const errors: FieldError[] = reply.error.errors ?? [];
  if (reply.error.code === 'invalid')
    return problem('badCSR', `the ca refused the CSR: ${reply.error.message}`);
  if (reply.error.code !== 'forbidden') return undefined;
  const keyFaults = errors.filter((e) => e.field === 'keyType' || e.field === 'usage');
  if (keyFaults.length > 0)
    return problem(
      'badCSR',
      `the team's issuance policy refuses the CSR: ${keyFaults.map((e) => `${e.resource ? `${e.resource}: ` : ''}${e.field}: ${e.message}`).join('; ')}`,
    );
  return policyRefusalProblem(identifiers, errors);
}
