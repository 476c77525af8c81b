import { createHash } from 'node:crypto';
import type { FieldError } from '#keyway/contracts';
import { formatDuration, parseDuration } from './duration.js';
import type { CertificateUsage, KeyType } from './key-type.js';

/**
 * Renewal of Certificate resources in the manner of cert-manager: a certificate lives `duration`,
 * is renewed `renewBefore` ahead of its notAfter, or at 2/3 of its actual lifetime when renewBefore
 * is absent or not shorter than that lifetime; failed issuances back off exponentially to a cap.
 */
export const DEFAULT_CERTIFICATE_DURATION = '2160h';
/** Floors that keep a misconfigured resource from renewing in a tight loop (cert-manager's). */
export const MIN_DURATION_SECONDS = 3600;
export const MIN_RENEW_BEFORE_SECONDS = 300;

export interface RenewalScheduleSpec {
  /** Go-style duration; default 2160h (90 days). */
  duration?: string;
  renewBefore?: string;
}

export interface RenewalSchedule {
  durationSeconds: number;
  renewBeforeSeconds?: number;
}

export type ScheduleResult = { ok: true; value: RenewalSchedule } | { ok: false; errors: FieldError[] };

/** Checks `spec.duration` and `spec.renewBefore` of a Certificate resource. */
export function compileSchedule(spec: RenewalScheduleSpec, resource?: string): ScheduleResult {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) =>
    errors.push(
      resource ? { code: 'invalid', resource, field, message } : { code: 'invalid', field, message },
    );
  const durationText = spec.duration ?? DEFAULT_CERTIFICATE_DURATION;
  const duration = parseDuration(durationText);
  let durationSeconds = 0;
  if (!duration.ok) fail('spec.duration', duration.message);
  else if (duration.seconds < MIN_DURATION_SECONDS) {
    fail(
      'spec.duration',
      `${durationText} is shorter than the minimum ${formatDuration(MIN_DURATION_SECONDS)}`,
    );
  } else durationSeconds = duration.seconds;

  let renewBeforeSeconds: number | undefined;
  if (spec.renewBefore !== undefined) {
    const rb = parseDuration(spec.renewBefore);
    if (!rb.ok) fail('spec.renewBefore', rb.message);
    else if (rb.seconds < MIN_RENEW_BEFORE_SECONDS) {
      fail(
        'spec.renewBefore',
        `${spec.renewBefore} is shorter than the minimum ${formatDuration(MIN_RENEW_BEFORE_SECONDS)}`,
      );
    } else if (duration.ok && rb.seconds >= duration.seconds) {
      fail('spec.renewBefore', `${spec.renewBefore} must be shorter than spec.duration ${durationText}`);
    } else renewBeforeSeconds = rb.seconds;
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: renewBeforeSeconds === undefined ? { durationSeconds } : { durationSeconds, renewBeforeSeconds },
  };
}

/**
 * When a certificate with this validity is due for renewal. Uses the certificate's actual
 * lifetime (it may have been cut short by its issuer), truncated to whole seconds.
 */
export function renewalTime(notBefore: Date, notAfter: Date, renewBeforeSeconds?: number): Date {
  const lifetimeMs = notAfter.getTime() - notBefore.getTime();
  const useOverride = renewBeforeSeconds !== undefined && renewBeforeSeconds * 1000 < lifetimeMs;
  const renewBeforeMs = useOverride ? renewBeforeSeconds! * 1000 : lifetimeMs / 3;
  return new Date(Math.floor((notAfter.getTime() - renewBeforeMs) / 1000) * 1000);
}

export interface BackoffOptions {
  initialSeconds: number;
  factor: number;
  maxSeconds: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialSeconds: 30, factor: 2, maxSeconds: 3600 };

/** Delay before retry number `failures` (1 after the first failure): initial * factor^(n-1), capped. */
export function backoffSeconds(failures: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 64);
  return Math.min(options.maxSeconds, options.initialSeconds * options.factor ** exponent);
}

/** What decides whether an issued certificate still matches its resource: names, key, usage, issuer. */
export interface IssuanceSpec {
  issuer: string;
  commonName?: string;
  sans: { dns?: string[]; ip?: string[]; uri?: string[] };
  keyType: KeyType;
  usage: CertificateUsage;
}

/** Deterministic SHA-256 over the issuance-relevant fields (order of names does not matter). */
export function issuanceSpecHash(spec: IssuanceSpec): string {
  const sorted = (xs?: string[]) => [...new Set(xs ?? [])].sort();
  const canonical = JSON.stringify([
    spec.issuer,
    spec.commonName ?? '',
    sorted(spec.sans.dns?.map((d) => d.toLowerCase())),
    sorted(spec.sans.ip),
    sorted(spec.sans.uri),
    spec.keyType,
    spec.usage,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface IssuedState {
  notBefore: Date;
  notAfter: Date;
  /** issuanceSpecHash of the spec it was issued for. */
  specHash: string;
  revoked?: boolean;
}

export interface RenewalInput {
  /** issuanceSpecHash of the resource's current spec. */
  specHash: string;
  renewBeforeSeconds?: number;
  issued?: IssuedState;
  /** Consecutive failed attempts since the last success. */
  failures: number;
  lastFailureAt?: Date;
  now: Date;
  backoff?: BackoffOptions;
}

export type IssueReason = 'no-certificate' | 'revoked' | 'spec-changed' | 'expired' | 'renewal-due';

export type RenewalPlan =
  | { action: 'issue'; reason: IssueReason; renewalTime?: Date }
  | { action: 'wait'; reason: 'valid'; until: Date; renewalTime: Date }
  | {
      action: 'wait';
      reason: 'backoff';
      until: Date;
      pending: IssueReason;
      failures: number;
      renewalTime?: Date;
    };

/** Decides, for one Certificate resource at `now`, whether to issue now or when to look again. */
export function planRenewal(input: RenewalInput): RenewalPlan {
  const { issued, now } = input;
  const renewAt = issued
    ? renewalTime(issued.notBefore, issued.notAfter, input.renewBeforeSeconds)
    : undefined;
  let reason: IssueReason | null = null;
  if (!issued) reason = 'no-certificate';
  else if (issued.revoked) reason = 'revoked';
  else if (issued.specHash !== input.specHash) reason = 'spec-changed';
  else if (now.getTime() >= issued.notAfter.getTime()) reason = 'expired';
  else if (now.getTime() >= renewAt!.getTime()) reason = 'renewal-due';

  if (reason === null) return { action: 'wait', reason: 'valid', until: renewAt!, renewalTime: renewAt! };

  if (input.failures > 0 && input.lastFailureAt) {
    const retryAt = new Date(
      input.lastFailureAt.getTime() + backoffSeconds(input.failures, input.backoff) * 1000,
    );
    if (now.getTime() < retryAt.getTime()) {
      const plan: RenewalPlan = {
        action: 'wait',
        reason: 'backoff',
        until: retryAt,
        pending: reason,
        failures: input.failures,
      };
      if (renewAt) plan.renewalTime = renewAt;
      return plan;
    }
  }
  return renewAt ? { action: 'issue', reason, renewalTime: renewAt } : { action: 'issue', reason };
}
