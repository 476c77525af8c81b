import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiError } from '../http-errors.js';
import type { AuthedRequest } from './auth.middleware.js';
import { denial, recordDenial, type Principal, type Verb } from './principal.js';

/** The authenticated principal the middleware attached to the request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new ApiError(401, { code: 'unauthorized', message: 'not authenticated' });
  return p;
});

export function requireAllowed(p: Principal, verb: Verb, namespace?: string): void {
  const why = denial(p, verb, namespace);
  if (why) throw ApiError.forbidden(why);
}

/** The audit record (events, history, verification) of `namespace`, or of every one when omitted. */
export function requireRecordReader(p: Principal, namespace?: string): void {
  const why = recordDenial(p, namespace);
  if (why) throw ApiError.forbidden(why);
}

export function requireAdmin(p: Principal): void {
  if (p.kind !== 'admin') throw ApiError.forbidden('only the admin token may do this');
}
