// One field-error type for the whole project (libs/contracts errors.ts).
export type { FieldError } from '#keyway/contracts';

export const ErrorCodes = {
  required: 'required',
  invalidType: 'invalid-type',
  invalidValue: 'invalid-value',
  unsupported: 'unsupported',
  unknownKind: 'unknown-kind',
} as const;
