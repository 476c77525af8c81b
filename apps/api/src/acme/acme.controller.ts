import { Controller, Get, Head, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { AcmeError, problem } from '#keyway/acme';
import { clientText } from '#keyway/observability';
import type { ApiConfig } from '../config.js';
import { CONFIG, LOGGER } from '../tokens.js';
import type { AcmeAnswer, AcmeRequest, AcmeService } from './acme-service.js';
import { AcmeUrls } from './acme-urls.js';
import { ACME_ISSUERS, ACME_SERVICE } from './acme.tokens.js';
import type { IssuerDirectory } from './issuer-directory.js';

type Request = IncomingMessage & { originalUrl: string };

const HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

/**
 * The ACME door (RFC 8555 §7): `/acme/<issuer>/...`, JWS bodies read here (bounded), every answer
 * with a fresh Replay-Nonce, Link rel="index" and, for problems, application/problem+json. The api's
 * bearer tokens do not apply: the JWS authenticates (auth.middleware.ts lets /acme/ through).
 */
@Controller('acme/:issuer')
export class AcmeController {
  constructor(
    @Inject(ACME_SERVICE) private readonly acme: AcmeService,
    @Inject(ACME_ISSUERS) private readonly issuers: IssuerDirectory,
    @Inject(CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('directory')
  directory(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, false, (r) => this.acme.directory(r.urls));
  }

  @Head('new-nonce')
  nonceHead(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, false, () => ({ status: 200 }));
  }

  @Get('new-nonce')
  nonceGet(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, false, () => ({ status: 204 }));
  }

  @Post('new-account')
  newAccount(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.newAccount(r));
  }

  @Post('new-order')
  newOrder(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.newOrder(r));
  }

  @Post('revoke-cert')
  revokeCert(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.revokeCert(r));
  }

  @Post('key-change')
  keyChange(@Req() req: Request, @Res() res: ServerResponse, @Param('issuer') issuer: string) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.keyChange(r));
  }

  @Post('acct/:id')
  account(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('id') id: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.account(r, id));
  }

  @Post('acct/:id/orders')
  orders(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('id') id: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.orders(r, id));
  }

  @Post('order/:id')
  order(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('id') id: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.order(r, id));
  }

  @Post('order/:id/finalize')
  finalize(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('id') id: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.finalize(r, id));
  }

  @Post('authz/:id')
  authorization(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('id') id: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.authorization(r, id));
  }

  @Post('chall/:authz/:type')
  challenge(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('authz') authz: string,
    @Param('type') type: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.challenge(r, authz, type));
  }

  @Post('cert/:serial')
  certificate(
    @Req() req: Request,
    @Res() res: ServerResponse,
    @Param('issuer') issuer: string,
    @Param('serial') serial: string,
  ) {
    return this.#answer(req, res, issuer, true, (r) => this.acme.certificate(r, serial));
  }

  async #answer(
    req: Request,
    res: ServerResponse,
    issuer: string,
    signed: boolean,
    run: (r: AcmeRequest) => AcmeAnswer | Promise<AcmeAnswer>,
  ): Promise<void> {
    let urls: AcmeUrls | undefined;
    let answer: AcmeAnswer;
    try {
      const base = this.config.ACME_BASE_URL ?? this.#hostBase(req);
      urls = new AcmeUrls(base, issuer);
      const address = req.socket.remoteAddress ?? 'unknown';
      // Unsigned requests count against their address; signed ones against their account or key
      // (behind an ingress every client has the ingress's address, so that cannot be the only limit).
      if (!signed) this.acme.limitAddress(address);
      if (!(await this.issuers.exists(issuer)))
        throw new AcmeError({
          ...problem('malformed', `no ACME directory for issuer ${JSON.stringify(issuer).slice(0, 80)}`),
          status: 404,
        });
      const body = signed ? await this.#readJws(req) : undefined;
      answer = await run({
        urls,
        url: urls.root + req.originalUrl.slice(`/acme/${issuer}`.length).split('?')[0],
        body,
        address,
      });
    } catch (e) {
      if (!(e instanceof AcmeError))
        this.logger.error(
          { err: clientText((e as Error)?.message ?? String(e), 2000), path: req.originalUrl.slice(0, 200) },
          'acme request failed',
        );
      const p =
        e instanceof AcmeError
          ? e.problem
          : problem('serverInternal', 'internal error; the operator can find it in the api log');
      answer = { status: p.status, body: p, contentType: 'application/problem+json' };
      if (p.status === 429 || p.status === 503) answer.retryAfter = 2;
    }
    if (res.headersSent) return;
    res.statusCode = answer.status;
    res.setHeader('replay-nonce', this.acme.issueNonce());
    res.setHeader('cache-control', 'no-store');
    const links = [
      ...(urls ? [`<${urls.directory}>;rel="index"`] : []),
      ...(answer.links ?? []).map((l) => `<${l.url}>;rel="${l.rel}"`),
    ];
    if (links.length > 0) res.setHeader('link', links);
    if (answer.location) res.setHeader('location', answer.location);
    if (answer.retryAfter !== undefined) res.setHeader('retry-after', String(answer.retryAfter));
    if (answer.body === undefined) return void res.end();
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.setHeader('content-type', answer.contentType ?? 'application/json');
    res.end(text);
  }

  #hostBase(req: Request): string {
    const host = req.headers.host ?? '';
    if (!HOST.test(host))
      throw new AcmeError(problem('malformed', 'the Host header is missing or not a host name'));
    // Over the HTTPS port the directory's URLs are https too (RFC 8555 §6.1).
    return `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}`;
  }

  /** The JWS body: application/jose+json, at most ACME_MAX_BODY_BYTES, read before anything is parsed. */
  async #readJws(req: Request): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/jose+json')
      throw new AcmeError({
        ...problem('malformed', 'Content-Type must be application/jose+json'),
        status: 415,
      });
    const limit = this.config.ACME_MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit)
      throw new AcmeError({ ...problem('malformed', `the body is larger than ${limit} bytes`), status: 413 });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        req.destroy();
        throw new AcmeError({
          ...problem('malformed', `the body is larger than ${limit} bytes`),
          status: 413,
        });
      }
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new AcmeError(problem('malformed', 'the body is not JSON'));
    }
  }
}
