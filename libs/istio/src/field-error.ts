/** A problem in an input resource, with the path of the offending field (`spec.servers[0].port`). */
export interface FieldError {
  code: string;
  /** `Kind/namespace/name` */
  resource?: string;
  field: string;
  message: string;
}

/** `<kind>/<namespace>/<name>: <field.path>: <reason>` */
export function formatFieldError(error: FieldError): string {
  return `${error.resource ?? '-'}: ${error.field}: ${error.message}`;
}

export const ErrorCodes = {
  required: 'required',
  invalidType: 'invalid-type',
  invalidValue: 'invalid-value',
  unsupported: 'unsupported',
  unknownKind: 'unknown-kind',
} as const;
