import type { FieldError } from '#keyway/contracts';
import type { SealedEnvelope } from '#keyway/key-material';
import type { DecodedSecret } from '#keyway/secrets';
import type { SourceName } from './config.js';

/**
 * What a source tells the reconciler: a Secret it now holds, or one it no longer holds. Sources say
 * what they see and nothing more; deciding what that means for the served credentials is the
 * reconciler's job, so every source is handled alike.
 */
export type SecretEvent =
  | {
      kind: 'apply';
      source: SourceName;
      actor: string;
      secret: DecodedSecret;
      reason?: string;
      /** API applies only: the manifest as stored in Postgres, so the Secret survives a restart. */
      sealedManifest?: SealedEnvelope;
    }
  | { kind: 'delete'; source: SourceName; actor: string; namespace: string; name: string; reason?: string };

/** The answer to one event, once its rows are committed and its changes are in the bucket. */
export interface EventOutcome {
  outcome: 'created' | 'updated' | 'unchanged' | 'rejected' | 'deleted' | 'not-found';
  namespace: string;
  name: string;
  /** The revision now served for the Secret's own credential (0: none yet). */
  revision: number;
  contentHash: string;
  warnings: string[];
  errors: FieldError[];
}
