import { errorReply, okReply, type CommandReply, type ErrorCode, type FieldError } from '#keyway/contracts';
import { redactKeyMaterial } from '#keyway/key-material';

/** A refusal the caller should see as a structured reply (not_found, forbidden, invalid...). */
export class CaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'CaError';
  }
}

/** Runs a command and turns its outcome into a CommandReply; unknown errors become `internal`. */
export async function reply<T>(run: () => Promise<T>): Promise<CommandReply<T>> {
  try {
    return okReply(await run());
  } catch (e) {
    if (e instanceof CaError) return errorReply(e.code, e.message, e.errors);
    return errorReply('internal', redactKeyMaterial(e instanceof Error ? e.message : String(e)));
  }
}

/**
 * Rows of an UPDATE/DELETE ... RETURNING through TypeORM's postgres driver, which answers
 * `[rows, affectedCount]` for those statements and plain rows for SELECT and INSERT.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
