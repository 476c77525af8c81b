// The api's answers as the console reads them (apps/api/README.md lists the routes). Only the fields
// a page shows are named; everything arrives as JSON and is read defensively.

export interface ObjectMeta {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  annotations?: Record<string, string>;
}

/** `GET /v1/resources/secrets`: a Secret as metadata and keyway's annotations, never its data. */
export interface SecretObject {
  kind?: string;
  type?: string;
  metadata: ObjectMeta;
}

export interface GatewayServer {
  port?: { number?: number; name?: string; protocol?: string };
  hosts?: string[];
  tls?: { mode?: string; credentialName?: string };
}

export interface GatewayObject {
  metadata: ObjectMeta;
  spec?: { selector?: Record<string, string>; servers?: GatewayServer[] };
}

export interface VirtualServiceObject {
  metadata: ObjectMeta;
  spec?: { hosts?: string[]; gateways?: string[] };
}

export interface Condition {
  field?: string;
  code?: string;
  message?: string;
  severity?: string;
}

/** `GET /v1/status`: one routing resource the route-compiler refused in whole or in part. */
export interface ResourceStatus {
  resource: string;
  accepted: boolean;
  conditions?: Condition[];
}

/** `GET /v1/namespaces/{ns}/credentials/{name}/history`: one version, its certificate facts only. */
export interface CredentialVersion {
  namespace: string;
  name: string;
  revision: number;
  action: string;
  source?: string;
  actor?: string;
  leafSerial?: string | null;
  subject?: string | null;
  sans?: string[];
  issuer?: string | null;
  notBefore?: string | null;
  notAfter?: string | null;
  keyType?: string | null;
  leafFingerprint?: string | null;
  caFingerprints?: string[];
  publicKeyFingerprint?: string | null;
  contentHash?: string;
  reason?: string | null;
  recordedAt?: string;
}

export interface TypeSync {
  acked?: string;
  current?: string;
  status?: string;
  nack?: string;
}

/** `GET /v1/proxies`: a connected proxy, its ACKed versions per xDS type and the secrets it was sent. */
export interface ProxyRecord {
  nodeId: string;
  namespace: string;
  groupId?: string;
  replica?: string;
  types?: Record<string, TypeSync>;
  secrets?: Record<string, { sent?: string; acked?: string }>;
}

/** `GET /v1/audit/events`. */
export interface AuditEvent {
  id: string;
  at: string;
  kind: string;
  actor: string;
  team?: string;
  namespace?: string;
  name?: string;
  action: string;
  revision?: number;
  serial?: string;
  detail?: string;
}

/** `POST /v1/audit/verify`. */
export interface VerifyResult {
  ok: boolean;
  checkedCredentials?: number;
  checkedRows?: number;
  problems?: unknown[];
  checkpoint?: { seq?: number; at?: string; mismatches?: unknown[]; problems?: unknown[] };
  ca?: { ok: boolean; checkedRows?: number };
}

/** `GET /v1/ca/authorities`. */
export interface Authority {
  name: string;
  parent: string | null;
  kind: string;
  subject: string;
  serial: string;
  fingerprint: string;
  keyType: string;
  notBefore: string;
  notAfter: string;
  crlNumber?: number;
}

/** `GET /v1/ca/authorities/{name}/crl` (the PEM is not shown). */
export interface CrlInfo {
  issuer: string;
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  revokedCount: number;
}
