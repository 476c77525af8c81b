import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { Logger } from 'pino';
import { EAB_HMAC_KEY_BYTES } from '#keyway/acme';
import { k8sNamespace, validatePayload } from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import { Caller, requireAdmin } from '../auth/caller.js';
import { actorName, type Principal } from '../auth/principal.js';
import type { TokenStore } from '../auth/token-store.js';
import { ApiError } from '../http-errors.js';
import { KEYRING, LOGGER, TOKEN_STORE } from '../tokens.js';
import type { AcmeStore } from './acme-store.js';
import { ACME_STORE } from './acme.tokens.js';

/**
 * EAB keys (RFC 8555 §7.3.4), the link from an ACME account to a keyway team. The HMAC key is
 * answered once, here, and stored only sealed under KEYWAY_DATA_KEYS (associated data
 * `acme-eab/<kid>`). Admin only.
 */
@Controller('v1/acme/eab')
export class EabController {
  constructor(
    @Inject(ACME_STORE) private readonly store: AcmeStore,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Caller() caller: Principal, @Body() body: Record<string, unknown>) {
    requireAdmin(caller);
    const team = body?.team;
    if (typeof team !== 'string' || !validatePayload(k8sNamespace, team).ok)
      throw ApiError.invalid('team: a team name is required', [
        { code: 'invalid', field: 'team', message: 'a team name is required' },
      ]);
    if (!(await this.tokens.teamExists(team))) throw ApiError.notFound(`team ${team} does not exist`);
    const kid = `kw-eab-${randomBytes(12).toString('base64url')}`;
    const key = randomBytes(EAB_HMAC_KEY_BYTES);
    await this.store.createEabKey({
      kid,
      team,
      sealedKey: this.keyring.seal(key, `acme-eab/${kid}`),
      createdBy: actorName(caller),
    });
    this.logger.info({ kid, team }, 'acme EAB key created');
    const hmacKey = key.toString('base64url');
    key.fill(0);
    return { keyId: kid, hmacKey, team };
  }

  @Get()
  async list(@Caller() caller: Principal, @Query('team') team: string | undefined) {
    requireAdmin(caller);
    const items = await this.store.listEabKeys(team);
    return {
      items: items.map((k) => ({
        keyId: k.kid,
        team: k.team,
        createdBy: k.createdBy,
        createdAt: k.createdAt.toISOString(),
        revokedAt: k.revokedAt?.toISOString() ?? null,
        accounts: k.accounts,
      })),
    };
  }

  /** New accounts can no longer bind with it; accounts already bound keep their team. */
  @Delete(':kid')
  async revoke(@Caller() caller: Principal, @Param('kid') kid: string) {
    requireAdmin(caller);
    if (!(await this.store.revokeEabKey(kid)))
      throw ApiError.notFound(`EAB key ${kid.slice(0, 80)} is unknown or already revoked`);
    this.logger.info({ kid }, 'acme EAB key revoked');
    return { keyId: kid, revoked: true };
  }
}
