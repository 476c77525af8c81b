/** One problem with one field of one resource: `<kind>/<namespace>/<name>: <field.path>: <reason>`. */
export interface FieldError {
  code: string;
  /** `Kind/namespace/name` when the payload is a resource. */
  resource?: string;
  /** Dotted path with indices, e.g. `spec.servers[0].tls.credentialName`; empty for the whole payload. */
  field: string;
  message: string;
}

/**
 * A FieldError before it is placed: the field and what is wrong with it. Validators of one resource
 * (an Envoy resource in the gateway, a route in libs/routing, a certificate request in libs/pki) return
 * these; the caller that knows the resource and the refusal code makes them FieldErrors.
 */
export type FieldProblem = Pick<FieldError, 'field' | 'message'>;

export type ErrorCode = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable' | 'internal';

export interface CommandError {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

/** Every request/reply answer: a result or a structured error, never a thrown exception. */
export type CommandReply<T> = { ok: true; result: T } | { ok: false; error: CommandError };

export function okReply<T>(result: T): CommandReply<T> {
  return { ok: true, result };
}

export function errorReply(code: ErrorCode, message: string, errors?: FieldError[]): CommandReply<never> {
  return errors && errors.length > 0
    ? { ok: false, error: { code, message, errors } }
    : { ok: false, error: { code, message } };
}

export function formatFieldError(e: FieldError): string {
  const where = [e.resource, e.field].filter((s) => s && s.length > 0).join(': ');
  return where ? `${where}: ${e.message}` : e.message;
}

/** Raised by callers that prefer exceptions over replies (CLI, tests); keeps the structure. */
export class CommandFailedError extends Error {
  constructor(
    readonly subject: string,
    readonly error: CommandError,
  ) {
    super(
      `${subject}: ${error.code}: ${error.message}${error.errors ? '\n' + error.errors.map(formatFieldError).join('\n') : ''}`,
    );
    this.name = 'CommandFailedError';
  }
}
