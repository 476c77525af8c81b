import type { GatewayObject, ProxyRecord, ResourceStatus } from './api-types.js';
import { expiryCounts, type ExpiryCounts } from './expiry.js';
import { inSync } from './proxy-view.js';

export interface Refusal {
  resource: string;
  field: string;
  code: string;
  message: string;
}

export interface OverviewSummary {
  credentials: number;
  gateways: number;
  hosts: number;
  proxies: number;
  expiry: ExpiryCounts;
  proxiesOutOfSync: string[];
  refusals: Refusal[];
}

export function overviewSummary(input: {
  notAfters: ReadonlyArray<number | undefined>;
  gateways: readonly GatewayObject[];
  proxies: readonly ProxyRecord[];
  statuses: readonly ResourceStatus[];
  now: number;
}): OverviewSummary {
  const hosts = new Set(
    input.gateways.flatMap((g) =>
      (g.spec?.servers ?? []).flatMap((s) => (s.hosts ?? []).map((h) => h.replace(/^[^/]*\//, ''))),
    ),
  );
  return {
    credentials: input.notAfters.length,
    gateways: input.gateways.length,
    hosts: hosts.size,
    proxies: input.proxies.length,
    expiry: expiryCounts(input.notAfters, input.now),
    proxiesOutOfSync: input.proxies.filter((p) => !inSync(p)).map((p) => `${p.namespace}/${p.nodeId}`),
    refusals: input.statuses.flatMap((s) =>
      (s.conditions ?? [])
        .filter((c) => c.severity !== 'warning' && c.severity !== 'info')
        .map((c) => ({
          resource: s.resource,
          field: c.field ?? '',
          code: c.code ?? '',
          message: c.message ?? '',
        })),
    ),
  };
}
