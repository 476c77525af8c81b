import { randomUUID } from 'node:crypto';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { clientText } from '#keyway/observability';
import { ApiError } from './http-errors.js';

/** Seconds a client is told to wait before retrying an outage answer (503). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Every error answer, in one shape: `{ code, message }`. An outage (503) says when to retry; an
 * internal error carries an error id instead of its text (a Postgres message, a stack trace):
 * the text goes to the log under that id, for the operator.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    let status = 500;
    let body: Record<string, unknown>;
    if (exception instanceof ApiError) {
      status = exception.getStatus();
      body = { ...exception.body };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const r = exception.getResponse();
      const message =
        typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? exception.message);
      body = { code: status === 404 ? 'not_found' : status === 400 ? 'invalid' : 'error', message };
    } else body = { code: 'internal', message: String((exception as Error)?.message ?? exception) };
    if (status >= 500 && status !== 503) {
      const errorId = randomUUID();
      this.logger.error(
        { errorId, err: clientText(body.message, 2000) },
        'internal error answered with an id',
      );
      body = {
        code: 'internal',
        message: `internal error (error id ${errorId}); the operator can find it in the api log`,
        errorId,
      };
    }
    if (status === 503) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  }
}
