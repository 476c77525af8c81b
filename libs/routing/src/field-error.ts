/** A problem in an Envoy resource, with the path of the offending field (`virtual_hosts[0].routes[2].match`). */
export interface RoutingError {
  field: string;
  message: string;
}

/** `<field.path>: <reason>` lines, the error_detail text of a NACK. */
export function formatRoutingErrors(resource: string, errors: readonly RoutingError[]): string {
  return errors.map((e) => `${resource}: ${e.field}: ${e.message}`).join('; ');
}
