import type { IrCondition, IrStatus } from './model.js';

export const StatusCodes = {
  unknownCredential: 'unknown-credential',
  unknownCaCredential: 'unknown-ca-credential',
  hostConflict: 'host-conflict',
  portProtocolMismatch: 'port-protocol-mismatch',
  unknownDestination: 'unknown-destination',
  invalidRegex: 'invalid-regex',
  unsupported: 'unsupported',
  unknownGateway: 'unknown-gateway',
  ignoredCipherSuite: 'ignored-cipher-suite',
  noMatchingHost: 'no-matching-host',
} as const;

/** Collects conditions per resource; every resource added with `touch` gets a status even if clean. */
export class StatusBook {
  private readonly byResource = new Map<string, IrCondition[]>();
  private readonly touched = new Set<string>();

  touch(resource: string): void {
    this.touched.add(resource);
  }

  error(resource: string, field: string, code: string, message: string): void {
    this.add(resource, { field, code, message, severity: 'error' });
  }

  warn(resource: string, field: string, code: string, message: string): void {
    this.add(resource, { field, code, message, severity: 'warning' });
  }

  add(resource: string, condition: IrCondition): void {
    const list = this.byResource.get(resource);
    // The same VirtualService may be compiled into several route tables: report each problem once.
    const same = (c: IrCondition): boolean =>
      c.field === condition.field && c.code === condition.code && c.message === condition.message;
    if (list) {
      if (!list.some(same)) list.push(condition);
    } else this.byResource.set(resource, [condition]);
  }

  addAll(resource: string, conditions: readonly IrCondition[]): void {
    this.touched.add(resource);
    for (const c of conditions) this.add(resource, c);
  }

  has(resource: string): boolean {
    return this.touched.has(resource) || this.byResource.has(resource);
  }

  /** The conditions recorded for one resource (empty if none). */
  conditionsOf(resource: string): readonly IrCondition[] {
    return this.byResource.get(resource) ?? [];
  }

  /** A book equal to this one except for the given resources' conditions (this one is left as is). */
  derive(overrides: ReadonlyMap<string, readonly IrCondition[]>): StatusBook {
    const next = new StatusBook();
    for (const id of this.touched) next.touched.add(id);
    for (const [id, list] of this.byResource) next.byResource.set(id, list);
    for (const [id, list] of overrides) {
      next.touched.add(id);
      if (list.length > 0) next.byResource.set(id, [...list]);
      else next.byResource.delete(id);
    }
    return next;
  }

  /** Sorted by resource; conditions keep the order they were found in. */
  statuses(): IrStatus[] {
    const ids = new Set([...this.touched, ...this.byResource.keys()]);
    return [...ids]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((resource) => [resource, this.byResource.get(resource) ?? []] as const)
      .map(([resource, conditions]) => ({
        resource,
        accepted: !conditions.some((c) => c.severity === 'error'),
        conditions,
      }));
  }
}
