import { z } from 'zod';
import { Variables } from '#keyway/config';
import { parseHostPort, parseValidationHosts } from '#keyway/acme';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** The ACME server's variables (docs/acme.md); part of the api's one config (config.ts). */
export const acmeVariables = {
  /** Accounts must bind to a team with an EAB key (RFC 8555 §7.3.4); default true. */
  ACME_REQUIRE_EAB: Variables.bool.default(true),
  /** The team of accounts made without a binding, when ACME_REQUIRE_EAB=false. */
  ACME_DEFAULT_TEAM: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .optional(),
  /** The URL clients reach the api at (e.g. https://keyway.example.com); unset: http://<Host header>. */
  ACME_BASE_URL: Variables.url(['http:', 'https:']).optional(),
  /** name=address,*.suffix=address: where validation connects (as Pebble's hosts), else DNS. */
  ACME_VALIDATION_HOSTS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseValidationHosts(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  ACME_HTTP01_PORT: Variables.port.default(80),
  ACME_TLSALPN01_PORT: Variables.port.default(443),
  /** address[:port] of the DNS server asked for dns-01 TXT records and unlisted names; unset: the system's. */
  ACME_DNS_SERVER: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parseHostPort(v, 53);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  ACME_VALIDATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** A challenge response waits this long for its validation (0: answer `processing` at once). */
  ACME_CHALLENGE_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(2000),
  ACME_VALIDATION_CONCURRENCY: z.coerce.number().int().min(1).max(4096).default(128),
  ACME_MAX_REDIRECTS: z.coerce.number().int().min(0).max(10).default(3),
  /** Largest JWS request body read, in bytes. */
  ACME_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(64 * 1024),
  ACME_MAX_IDENTIFIERS: z.coerce.number().int().min(1).max(100).default(100),
  ACME_ORDER_LIFETIME_SECONDS: seconds(60, 30 * 86400, 86400),
  ACME_AUTHZ_LIFETIME_SECONDS: seconds(60, 30 * 86400, 86400),
  /** Postgres connections of the ACME module's own pool (the api's other routes keep theirs). */
  ACME_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ACME_NONCE_CAPACITY: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  ACME_NONCE_TTL_SECONDS: seconds(10, 86400, 3600),
  /** Requests per second (and burst) per ACME account, or per client address before one is known. */
  ACME_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(100),
  ACME_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(200),
};
