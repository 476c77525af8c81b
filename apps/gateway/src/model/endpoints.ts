import type { FieldProblem, Parsed } from './resource-error.js';

export interface Endpoint {
  host: string;
  port: number;
}

interface LoadAssignmentMessage {
  endpoints?: Array<{
    priority?: number;
    lb_endpoints?: Array<{
      endpoint?: { address?: { socket_address?: { address?: string; port_value?: number } } };
      health_status?: string;
    }>;
  }>;
}

const UNUSABLE = new Set(['UNHEALTHY', 'DRAINING', 'TIMEOUT']);

/**
 * The endpoints traffic goes to: healthy ones of the best (lowest) priority that has any, as Envoy
 * does without overprovisioning spill-over.
 */
export function parseEndpoints(message: Record<string, unknown>, field = ''): Parsed<Endpoint[]> {
  const cla = message as LoadAssignmentMessage;
  const problems: FieldProblem[] = [];
  const byPriority = new Map<number, Endpoint[]>();
  (cla.endpoints ?? []).forEach((locality, i) => {
    (locality.lb_endpoints ?? []).forEach((lb, j) => {
      const sa = lb.endpoint?.address?.socket_address;
      const at = `${field ? `${field}.` : ''}endpoints[${i}].lb_endpoints[${j}].endpoint.address.socket_address`;
      if (!sa?.address || !sa.port_value) {
        problems.push({ field: at, message: 'address and port_value are required' });
        return;
      }
      if (UNUSABLE.has(lb.health_status ?? '')) return;
      const priority = locality.priority ?? 0;
      const list = byPriority.get(priority) ?? [];
      list.push({ host: sa.address, port: sa.port_value });
      byPriority.set(priority, list);
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  const best = [...byPriority.keys()].sort((a, b) => a - b)[0];
  return { ok: true, value: best === undefined ? [] : byPriority.get(best)! };
}
