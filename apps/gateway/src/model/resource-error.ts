import type { FieldProblem } from '#keyway/contracts';

/** A problem in one xDS resource (`<Kind>/<name>: <field.path>: <reason>`, the text a NACK carries). */
export type { FieldProblem };

export class ResourceError extends Error {
  constructor(
    readonly kind: string,
    readonly resource: string,
    readonly problems: FieldProblem[],
  ) {
    super(problems.map((p) => `${kind}/${resource}: ${p.field}: ${p.message}`).join('; '));
    this.name = 'ResourceError';
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };
