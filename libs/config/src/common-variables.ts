import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.join(' or ')}`,
  );

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Building blocks every service uses; each app picks what it reads. */
export const Variables = {
  NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/postgres'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** Health, readiness and metrics. */
  HTTP_PORT: port,
  /** Data keys for the AES-256-GCM envelope: `id:base64key[,id:base64key]`, first one active. */
  KEYWAY_DATA_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9._-]+:[A-Za-z0-9+/=]+)*$/,
      'must be id:base64key[,id:base64key...]',
    ),
  REPLICA_ID: z.string().min(1).optional(),
  port,
  bool,
  url,
};
