import { HttpException } from '@nestjs/common';
import type { CommandError, ErrorCode, FieldError } from '#keyway/contracts';

/** Structured error codes as HTTP statuses. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
};

export interface ApiErrorBody {
  code: ErrorCode | 'unauthorized' | 'rate_limited' | 'too_large';
  message: string;
  errors?: FieldError[];
}

/** An HTTP answer with the same structure the services reply with. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body, status);
    this.name = 'ApiError';
  }

  static from(error: CommandError): ApiError {
    return new ApiError(STATUS_OF[error.code] ?? 500, {
      code: error.code,
      message: error.message,
      ...(error.errors && error.errors.length > 0 ? { errors: error.errors } : {}),
    });
  }

  static invalid(message: string, errors?: FieldError[]): ApiError {
    return new ApiError(400, { code: 'invalid', message, ...(errors ? { errors } : {}) });
  }

  static forbidden(message: string): ApiError {
    return new ApiError(403, { code: 'forbidden', message });
  }

  /** 413: the request is bigger than a limit allows; the message names the limit and its variable. */
  static tooLarge(message: string, errors?: FieldError[]): ApiError {
    return new ApiError(413, { code: 'too_large', message, ...(errors ? { errors } : {}) });
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, { code: 'not_found', message });
  }
}
