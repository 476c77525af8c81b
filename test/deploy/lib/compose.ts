import { parse } from 'yaml';
import { readText } from './repo.js';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  restart?: string;
  user?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, any>;
  /** Files compose mounts under /run/secrets, each from a variable or a file. */
  secrets?: Record<string, { environment?: string; file?: string }>;
}

// @ts-expect-error: a plain .mjs script, no declarations
import { composeSecrets } from '../../../scripts/compose-env.mjs';

export const COMPOSE_FILE = 'docker-compose.yml';

/** The compose file as Compose reads it: YAML merge keys (`<<`) applied, `x-` fields kept. */
export function readCompose(): ComposeFile {
  return parse(readText(COMPOSE_FILE), { merge: true, uniqueKeys: true }) as ComposeFile;
}

/**
 * Compose's interpolation: `${VAR:-default}` and `${VAR-default}` use the default, `$$` is a literal
 * `$`; `${VAR:?message}` requires VAR (from `env`, as compose reads .env; listed in `required`);
 * `${VAR}` with no default is returned in `unset` (Compose would substitute an empty string).
 */
export function interpolate(
  text: string,
  env: Record<string, string> = {},
): { value: string; unset: string[]; required: string[] } {
  const unset: string[] = [];
  const required: string[] = [];
  const value = text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      fallback: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      if (op?.endsWith('?')) {
        required.push(braced!);
        return env[braced!] ?? '';
      }
      if (op !== undefined) return fallback ?? '';
      unset.push(braced ?? bare ?? whole);
      return '';
    },
  );
  return { value, unset, required };
}

/** Every string in a parsed document, with its path. */
export function strings(value: unknown, at = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  }
  return [];
}

export function commandOf(s: ComposeService): string[] {
  return typeof s.command === 'string' ? s.command.split(/\s+/) : (s.command ?? []);
}

/** `source:target[:mode]` of a short-syntax volume. */
export function parseVolume(spec: string): { source: string; target: string; readOnly: boolean } {
  const [source, target, mode] = spec.split(':');
  return { source, target, readOnly: mode === 'ro' };
}

/** What scripts/compose-env.mjs writes to .env: the values compose requires, made once per test run. */
const COMPOSE_ENV: Record<string, string> = composeSecrets();

export function environmentOf(s: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), COMPOSE_ENV).value]),
  );
}
