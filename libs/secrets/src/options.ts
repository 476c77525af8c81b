/** Limits and clocks for the up-front checks; every field has a default. */
export interface ValidationOptions {
  /** The time validity is judged at (default: now). */
  now?: Date;
  /** A leaf expiring within this many days is accepted with a warning (default 30). */
  expiryWarningDays?: number;
  /** Largest value of one data key, in bytes (default 256 KiB: room for a large CA bundle). */
  maxFieldBytes?: number;
  /** Largest Secret, all values together (default 1 MiB, Kubernetes' own limit). */
  maxSecretBytes?: number;
  /** Most certificates in a served chain (default 10). */
  maxChainCertificates?: number;
  /** Most certificates in a CA bundle (default 200). */
  maxCaCertificates?: number;
}

export type ResolvedOptions = Required<ValidationOptions>;

export const DEFAULT_VALIDATION_OPTIONS: Omit<ResolvedOptions, 'now'> = {
  expiryWarningDays: 30,
  maxFieldBytes: 256 * 1024,
  maxSecretBytes: 1024 * 1024,
  maxChainCertificates: 10,
  maxCaCertificates: 200,
};

export function resolveOptions(options: ValidationOptions = {}): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_VALIDATION_OPTIONS, now: new Date(), ...defined };
}
