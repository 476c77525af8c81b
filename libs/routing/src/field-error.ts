import type { FieldProblem } from '#keyway/contracts';

/** A problem in an Envoy resource is a FieldProblem with the path of the offending field (`virtual_hosts[0].routes[2].match`). */
export type { FieldProblem };

/** `<field.path>: <reason>` lines, the error_detail text of a NACK. */
export function formatRoutingErrors(resource: string, errors: readonly FieldProblem[]): string {
  return errors.map((e) => `${resource}: ${e.field}: ${e.message}`).join('; ');
}
