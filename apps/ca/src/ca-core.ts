import type { CheckpointedWriter } from '#keyway/messaging';
import type { AuditEvent, AuditEventsFilter } from '#keyway/contracts';
import { caRecordEvents, verifyCaRecordChain, type CaRecordVerification } from './ca-records.js';
import type { LeaderFence } from '#keyway/persistence';
import type { RecordGuard } from './record-guard.js';
import type { Keyring } from '#keyway/key-material';
import type { DataSource } from '#keyway/persistence';
import { AuthorityService } from './authorities.js';
import { CertificateResources } from './certificate-resources.js';
import { CredentialWriter, type SecretApplier } from './credential-writer.js';
import { IssuanceRecorder } from './issuance-recorder.js';
import { IssuanceService } from './issuance.js';
import type { CaTelemetry } from './ca-telemetry.js';
import { PolicyStore } from './policy-store.js';
import { RevocationService } from './revocation.js';

export interface CaCoreOptions {
  ds: DataSource;
  masterKeys: Keyring;
  dataKeys: Keyring;
  secrets: SecretApplier;
  crlValiditySeconds?: number;
  backdateSeconds?: number;
  clock?: () => Date;
  /** False only in benchmarks measuring issuance without its Postgres record. */
  record?: boolean;
  /** Metrics; the app creates it with its registry once the authorities exist. */
  telemetry?: (authorities: AuthorityService) => CaTelemetry;
  /** Active-standby: the leader's fencing token, checked by every record and CRL write. */
  fence?: LeaderFence;
  /** The audit device (AUDIT_SINK): with AUDIT_SINK_REQUIRED, no record is written while it fails. */
  device?: RecordGuard['device'];
  /** Signed checkpoints of the record's head (AUDIT_CHECKPOINT_KEY_FILE), checked by verify. */
  checkpoints?: CheckpointedWriter;
}

/** Every ca use case wired together, in one visible place; Nest, tests and the bench all use this. */
export interface CaCore {
  authorities: AuthorityService;
  policies: PolicyStore;
  recorder: IssuanceRecorder;
  issuance: IssuanceService;
  revocation: RevocationService;
  credentials: CredentialWriter;
  certificates: CertificateResources;
  /** Verifies the CA's hash-chained record (ca-records.ts). */
  verifyRecords(): Promise<CaRecordVerification>;
  /** The record as audit events (`keyway audit log`). */
  recordEvents(filter: AuditEventsFilter): Promise<{ items: AuditEvent[] }>;
}

export function createCaCore(o: CaCoreOptions): CaCore {
  const clock = o.clock ?? (() => new Date());
  const authorities = new AuthorityService(o.ds, o.masterKeys, o.dataKeys, clock);
  const telemetry = o.telemetry?.(authorities);
  const policies = new PolicyStore(o.ds);
  const guard: RecordGuard = { fence: o.fence, device: o.device, checkpoints: o.checkpoints };
  const recorder = new IssuanceRecorder(o.ds, undefined, guard);
  const issuance = new IssuanceService(
    authorities,
    policies,
    o.record === false ? null : recorder,
    o.dataKeys,
    {
      backdateSeconds: o.backdateSeconds ?? 30,
      clock,
      telemetry,
    },
  );
  const revocation = new RevocationService(o.ds, authorities, o.crlValiditySeconds ?? 86_400, clock, guard);
  const credentials = new CredentialWriter(o.ds, o.secrets, revocation, o.dataKeys);
  const certificates = new CertificateResources(o.ds, issuance, credentials, clock, telemetry);
  return {
    authorities,
    policies,
    recorder,
    issuance,
    revocation,
    credentials,
    certificates,
    verifyRecords: () => verifyCaRecordChain(o.ds, o.checkpoints),
    recordEvents: async (filter) => ({ items: await caRecordEvents(o.ds, filter) }),
  };
}
