import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { k8sNamespace, teamDomain, validatePayload } from '#keyway/contracts';
import { Caller, requireAdmin } from '../auth/caller.js';
import { VERBS, type Principal } from '../auth/principal.js';
import type { TokenStore } from '../auth/token-store.js';
import { ApiError } from '../http-errors.js';
import { TEAM_PUBLISHER, TOKEN_STORE } from '../tokens.js';
import type { TeamPublisher } from './team-publisher.js';

const teamBody = z.object({
  name: k8sNamespace,
  namespaces: z.array(k8sNamespace),
  /** The hosts the team owns (docs/tenancy.md): its Gateways and VirtualServices may claim only these. */
  domains: z.array(teamDomain).max(1000).optional(),
});
const tokenBody = z.object({
  name: z.string().min(1).max(128),
  team: k8sNamespace,
  /** A subset of the team's namespaces; omitted: all of them, now and later. */
  namespaces: z.array(k8sNamespace).optional(),
  verbs: z.array(z.enum(VERBS)).min(1).default(['read']),
  /** Seconds until it expires; omitted: never. */
  expiresInSeconds: z.number().int().positive().optional(),
});

/** Teams and tokens: admin only. */
@Controller('v1')
export class AdminController {
  constructor(
    @Inject(TOKEN_STORE) private readonly store: TokenStore,
    @Inject(TEAM_PUBLISHER) private readonly teamsOut: TeamPublisher,
  ) {}

  @Get('teams')
  async teams(@Caller() caller: Principal): Promise<unknown> {
    requireAdmin(caller);
    return { items: await this.store.teams() };
  }

  @Post('teams')
  async upsertTeam(@Caller() caller: Principal, @Body() body: unknown): Promise<unknown> {
    requireAdmin(caller);
    const v = validatePayload(teamBody, body);
    if (!v.ok) throw ApiError.invalid('team: invalid', v.errors);
    const team = await this.store.upsertTeam(v.value);
    // Stored first: the bucket follows Postgres (and is rewritten from it at every start).
    await this.teamsOut.publish(team);
    return team;
  }

  @Get('tokens')
  async tokens(@Caller() caller: Principal): Promise<unknown> {
    requireAdmin(caller);
    return { items: await this.store.tokens() };
  }

  /** The token is in this answer only; keyway keeps its SHA-256. */
  @Post('tokens')
  async createToken(@Caller() caller: Principal, @Body() body: unknown): Promise<unknown> {
    requireAdmin(caller);
    const v = validatePayload(tokenBody, body);
    if (!v.ok) throw ApiError.invalid('token: invalid', v.errors);
    if (!(await this.store.teamExists(v.value.team)))
      throw ApiError.notFound(`team ${v.value.team} not found`);
    const expiresAt = v.value.expiresInSeconds
      ? new Date(Date.now() + v.value.expiresInSeconds * 1000)
      : null;
    const { token, info } = await this.store.createToken({
      name: v.value.name,
      team: v.value.team,
      namespaces: v.value.namespaces ?? null,
      verbs: v.value.verbs,
      expiresAt,
    });
    return { ...info, token };
  }

  @Delete('tokens/:id')
  async revoke(@Caller() caller: Principal, @Param('id') id: string): Promise<unknown> {
    requireAdmin(caller);
    if (!(await this.store.revokeToken(id))) throw ApiError.notFound(`token ${id} not found`);
    return { id, revoked: true };
  }
}
