import { ErrorCodes } from './field-error.js';
import { readHeaderOperations, type HeaderOperations } from './headers.js';
import type { FieldReader } from './reader.js';

export interface RouteDestination {
  destination: { host: string; subset?: string; port?: number };
  weight?: number;
  headers?: HeaderOperations;
}

export function readDestination(r: FieldReader, value: unknown, f: string): RouteDestination | undefined {
  const d = r.object(value, f, true);
  if (!d) return undefined;
  const dest = r.object(d.destination, `${f}.destination`, true) ?? {};
  const host = r.string(dest.host, `${f}.destination.host`, true) ?? '';
  const port = r.object(dest.port, `${f}.destination.port`);
  const subset = r.string(dest.subset, `${f}.destination.subset`);
  if (subset)
    r.fail(
      `${f}.destination.subset`,
      ErrorCodes.unsupported,
      'subsets need DestinationRules, which keyway does not read',
    );
  const weight = r.integer(d.weight, `${f}.weight`, 0, 2 ** 31 - 1);
  return {
    destination: {
      host: host.toLowerCase(),
      subset,
      port: port ? r.integer(port.number, `${f}.destination.port.number`, 1, 65535, true) : undefined,
    },
    weight,
    headers: d.headers === undefined ? undefined : readHeaderOperations(r, d.headers, `${f}.headers`),
  };
}
