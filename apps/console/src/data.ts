// What the pages read, each from the api's public routes (apps/api/README.md), with bounds on how
// much a page pulls: lists at most 50 pages of 1000, a proxy's config for at most a few proxies.
import { api, ApiError, listAll } from './api-client.js';
import type {
  Authority,
  AuditEvent,
  CredentialVersion,
  CrlInfo,
  GatewayObject,
  ProxyRecord,
  ResourceStatus,
  SecretObject,
  VerifyResult,
  VirtualServiceObject,
} from './model/api-types.js';
import { routeNamesOf, type CompiledConfig } from './model/gateway-view.js';

/**
 * Every readable credential in one answer (`GET /v1/console/credentials`): `/v1/resources/secrets`
 * stops at 1000 Secrets and reads them all again for each page.
 */
export async function loadSecrets(): Promise<SecretObject[]> {
  const r = await api<{ items?: SecretObject[]; truncated?: boolean }>('/v1/console/credentials');
  return r.items ?? [];
}
export const loadGateways = () => listAll<GatewayObject>('/v1/resources/gateways');
export const loadVirtualServices = () => listAll<VirtualServiceObject>('/v1/resources/virtualservices');
export const loadProxies = async () => (await api<{ items: ProxyRecord[] }>('/v1/proxies')).items ?? [];
export const loadStatuses = async () => (await api<{ items: ResourceStatus[] }>('/v1/status')).items ?? [];

export const loadHistory = (namespace: string, name: string) =>
  listAll<CredentialVersion>(
    `/v1/namespaces/${encodeURIComponent(namespace)}/credentials/${encodeURIComponent(name)}/history`,
  );

/** The latest version's content hash of each credential in a namespace. */
export async function loadLatestHashes(namespace: string): Promise<Map<string, string>> {
  const r = await api<{ items: Array<{ name: string; contentHash?: string }> }>(
    `/v1/namespaces/${encodeURIComponent(namespace)}/credentials`,
  );
  return new Map((r.items ?? []).map((c) => [c.name, c.contentHash ?? '']));
}

export interface Verification {
  /** Per namespace for a team token (it may verify only its own); `*` for the whole log. */
  scopes: Array<{ scope: string; result?: VerifyResult; error?: string }>;
  at: number;
}

/**
 * The audit chain's verification: the whole log for admin and audit tokens; a team token is refused
 * that (403), so its own namespaces are verified one by one (at most 20).
 */
export async function verifyAudit(namespaces: readonly string[]): Promise<Verification> {
  const at = Date.now();
  try {
    return {
      scopes: [
        { scope: '*', result: await api<VerifyResult>('/v1/audit/verify', { method: 'POST', body: {} }) },
      ],
      at,
    };
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 403)) throw e;
  }
  const scopes = await Promise.all(
    namespaces.slice(0, 20).map(async (namespace) => {
      try {
        return {
          scope: namespace,
          result: await api<VerifyResult>('/v1/audit/verify', { method: 'POST', body: { namespace } }),
        };
      } catch (e) {
        return { scope: namespace, error: (e as Error).message };
      }
    }),
  );
  return { scopes, at };
}

/** What the first few proxies (of `proxies`) were compiled: listener and route names. */
export async function loadCompiled(proxies: readonly ProxyRecord[], max = 5): Promise<CompiledConfig> {
  const out: CompiledConfig = { listeners: [], routeNames: [] };
  for (const p of proxies.slice(0, max)) {
    const base = `/v1/namespaces/${encodeURIComponent(p.namespace)}/proxies/${encodeURIComponent(p.nodeId)}/config`;
    const [listeners, routes] = await Promise.all([
      api<{ resources?: Array<{ name: string; resource?: unknown }> }>(`${base}/listener`),
      api<{ resources?: Array<{ name: string }> }>(`${base}/route`),
    ]);
    for (const l of listeners.resources ?? [])
      if (!out.listeners.some((x) => x.name === l.name))
        out.listeners.push({ name: l.name, routeNames: routeNamesOf(l.resource) });
    for (const r of routes.resources ?? []) if (!out.routeNames.includes(r.name)) out.routeNames.push(r.name);
  }
  return out;
}

export async function loadEvents(query: string): Promise<{ items: AuditEvent[]; next?: string }> {
  const r = await api<{ items: AuditEvent[]; metadata?: { continue?: string } }>(`/v1/audit/events?${query}`);
  return { items: r.items ?? [], next: r.metadata?.continue };
}

export const loadAuthorities = async () =>
  (await api<{ items: Authority[] }>('/v1/ca/authorities')).items ?? [];
export const loadCrl = (issuer: string) =>
  api<CrlInfo>(`/v1/ca/authorities/${encodeURIComponent(issuer)}/crl`);
