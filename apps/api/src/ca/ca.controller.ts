import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  applyCaPolicyRequest,
  createIntermediateRequest,
  createRootRequest,
  crlRequest,
  issuedCertificate,
  issueRequest,
  k8sName,
  k8sNamespace,
  listAuthoritiesRequest,
  listCaPoliciesRequest,
  revokeRequest,
  signRequest,
  Subjects,
  validatePayload,
  type Actor,
} from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import type { z } from 'zod';
import { Caller, requireAdmin, requireAllowed } from '../auth/caller.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { forward, type CommandSender } from '../forwarder.js';
import { ApiError } from '../http-errors.js';
import { itemsOf } from '../resources/kinds.js';
import { COMMANDS, KEYRING } from '../tokens.js';

type Obj = Record<string, unknown>;
const V = { schemaVersion: 1 as const };

function valid<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const v = validatePayload(schema, value);
  if (!v.ok) throw ApiError.invalid(`${what}: invalid request`, v.errors);
  return v.value;
}

/**
 * Whose policy an issuance is checked against: a token's own team; the admin may name a team
 * (`team` in the body) to issue under that team's policy, since the ca refuses callers with none.
 */
function issuingActor(caller: Principal, team: unknown): Actor {
  const actor = actorOf(caller);
  if (team === undefined) return actor;
  if (typeof team !== 'string' || !validatePayload(k8sNamespace, team).ok)
    throw ApiError.invalid('team: must be a team name', [
      { code: 'invalid', field: 'team', message: 'must be a team name' },
    ]);
  if (caller.kind !== 'admin' && team !== caller.team)
    throw ApiError.forbidden(`token ${caller.name} may issue only for team ${caller.team}`);
  return { ...actor, team };
}

/**
 * Certificates: CA hierarchy, issuance (the key is opened here and returned once, over the
 * caller's connection), CSR signing and revocation. The ca applies each team's issuance policy
 * to the actor's team.
 */
@Controller('v1/ca')
export class CaController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandSender,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get('authorities')
  async authorities(@Caller() caller: Principal): Promise<Obj> {
    requireAllowed(caller, 'read');
    const r = await forward(this.commands, Subjects.ca.list, valid(listAuthoritiesRequest, { ...V }, 'list'));
    return { items: itemsOf(r) };
  }

  @Post('authorities')
  async createAuthority(@Caller() caller: Principal, @Body() body: Obj): Promise<unknown> {
    requireAdmin(caller);
    const { kind, ...rest } = body ?? {};
    const payload = { ...V, ...rest, actor: actorOf(caller) };
    if (kind === 'intermediate')
      return forward(
        this.commands,
        Subjects.ca.createIntermediate,
        valid(createIntermediateRequest, payload, 'create-intermediate'),
      );
    if (kind === 'root' || kind === undefined)
      return forward(this.commands, Subjects.ca.createRoot, valid(createRootRequest, payload, 'create-root'));
    throw ApiError.invalid('kind: must be root or intermediate', [
      { code: 'invalid', field: 'kind', message: 'must be root or intermediate' },
    ]);
  }

  @Get('authorities/:name/crl')
  async crl(@Caller() caller: Principal, @Param('name') name: string): Promise<unknown> {
    requireAllowed(caller, 'read');
    if (!validatePayload(k8sName, name).ok)
      throw ApiError.invalid(`issuer ${JSON.stringify(name)}: not a valid name`);
    return forward(this.commands, Subjects.ca.crl, valid(crlRequest, { ...V, issuer: name }, 'crl'));
  }

  @Get('policies')
  async policies(@Caller() caller: Principal, @Query('team') team: string | undefined): Promise<Obj> {
    requireAdmin(caller);
    const r = await forward(
      this.commands,
      Subjects.ca.policies.list,
      valid(listCaPoliciesRequest, { ...V, ...(team ? { team } : {}) }, 'policies'),
    );
    return { items: itemsOf(r) };
  }

  /** A team's issuance policy (the ca evaluates every issuance against its team's policies). */
  @Put('policies/:team/:name')
  async applyPolicy(
    @Caller() caller: Principal,
    @Param('team') team: string,
    @Param('name') name: string,
    @Body() body: Obj,
  ): Promise<unknown> {
    requireAdmin(caller);
    const policy = { ...(body ?? {}), team, name };
    return forward(
      this.commands,
      Subjects.ca.policies.apply,
      valid(applyCaPolicyRequest, { ...V, policy, actor: actorOf(caller) }, 'policy'),
    );
  }

  @Post('issue')
  @HttpCode(200)
  async issue(@Caller() caller: Principal, @Body() body: Obj): Promise<Obj> {
    requireAllowed(caller, 'issue');
    const { team, ...rest } = body ?? {};
    const request = valid(issueRequest, { ...V, ...rest, actor: issuingActor(caller, team) }, 'issue');
    return this.#reveal(await forward(this.commands, Subjects.ca.issue, request));
  }

  @Post('sign')
  @HttpCode(200)
  async sign(@Caller() caller: Principal, @Body() body: Obj): Promise<Obj> {
    requireAllowed(caller, 'issue');
    const { team, ...rest } = body ?? {};
    const request = valid(signRequest, { ...V, ...rest, actor: issuingActor(caller, team) }, 'sign');
    return this.#reveal(await forward(this.commands, Subjects.ca.sign, request));
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Caller() caller: Principal, @Body() body: Obj): Promise<unknown> {
    requireAllowed(caller, 'issue');
    return forward(
      this.commands,
      Subjects.ca.revoke,
      valid(revokeRequest, { ...V, ...(body ?? {}), actor: actorOf(caller) }, 'revoke'),
    );
  }

  /** Opens the sealed key (associated data: the serial) for the one answer that carries it. */
  #reveal(result: unknown): Obj {
    const v = validatePayload(issuedCertificate, result);
    if (!v.ok)
      throw new ApiError(502, {
        code: 'internal',
        message: 'the ca answered with an unexpected certificate',
        errors: v.errors,
      });
    const { sealedPrivateKey, ...cert } = v.value;
    if (!sealedPrivateKey) return cert;
    try {
      return { ...cert, privateKeyPem: this.keyring.open(sealedPrivateKey, cert.serial).toString('utf8') };
    } catch (e) {
      throw new ApiError(500, {
        code: 'internal',
        message: `cannot open the issued key: ${(e as Error).message}`,
      });
    }
  }
}
