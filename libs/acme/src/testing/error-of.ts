import { AcmeError, errorTypeOf } from '../problem.js';

/** The RFC 8555 error type `fn` throws (e.g. `badNonce`), or undefined when it does not throw. */
export function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof AcmeError) return errorTypeOf(e.problem);
    throw e;
  }
}
