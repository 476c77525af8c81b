import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactKeyMaterial } from '#keyway/key-material';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** Where lines go (tests capture them); stdout by default. */
  destination?: NodeJS.WritableStream;
}

/** Field names that may carry key material or credentials; pino censors them wherever they sit. */
const REDACT_PATHS = [
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'key',
  '*.key',
  'data',
  '*.data',
  'stringData',
  '*.stringData',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * JSON in production, readable locally. Every line passes a last scrub for PEM private keys, so a
 * key that slips into a message string is still never written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level ?? 'info',
    base: { service: options.service },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: (line: string) => redactKeyMaterial(line) },
  };
  const destination =
    options.format === 'pretty'
      ? pretty({
          colorize: Boolean(
            (options.destination as { isTTY?: boolean } | undefined)?.isTTY ?? process.stdout.isTTY,
          ),
          sync: true,
          destination: options.destination ?? 1,
        })
      : (options.destination ?? pino.destination({ sync: false }));
  return pino(base, destination as pino.DestinationStream);
}
