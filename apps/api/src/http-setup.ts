import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthMiddleware, type AuthedRequest } from './auth/auth.middleware.js';
import type { ApiConfig } from './config.js';
import { ApiExceptionFilter } from './error-filter.js';
import { CONFIG, LOGGER } from './tokens.js';
import type { Logger } from 'pino';

export const MANIFEST_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

/**
 * The HTTP pipeline in the order that keeps a hostile client cheap: authenticate (and rate-limit)
 * first, then read a body of bounded size (JSON or YAML: manifests arrive as either), then route.
 * A request without a valid token never has its body read.
 */
export function configureHttp(app: NestExpressApplication): void {
  const config = app.get<ApiConfig>(CONFIG);
  const auth = app.get(AuthMiddleware);
  app.use((req: AuthedRequest, res: ServerResponse, next: (err?: unknown) => void) => {
    auth.use(req, res, next).catch(next);
  });
  const limit = config.API_MAX_BODY_BYTES;
  app.useBodyParser('json', { limit });
  app.useBodyParser('text', { type: MANIFEST_TYPES, limit });
  app.use(bodyErrors(limit));
  app.useGlobalFilters(new ApiExceptionFilter(app.get<Logger>(LOGGER)));
  app.disable('x-powered-by');
}

/** body-parser's refusals as the api's JSON errors: 413 naming the limit, 400 for a broken body. */
function bodyErrors(limit: number) {
  return (
    err: { type?: string; status?: number; length?: number; message?: string },
    _req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ): void => {
    const answer = (status: number, body: object) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
    if (err?.type === 'entity.too.large')
      return answer(413, {
        code: 'too_large',
        message: `the request body${err.length ? ` (${err.length} bytes)` : ''} is larger than the limit of ${limit} bytes (API_MAX_BODY_BYTES)`,
      });
    if (err?.type === 'entity.parse.failed')
      return answer(400, { code: 'invalid', message: 'the request body is not valid JSON' });
    next(err);
  };
}
