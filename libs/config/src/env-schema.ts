import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';

export type EnvShape = Record<string, z.ZodType>;
export type ConfigOf<S extends EnvShape> = { [K in keyof S]: z.output<S[K]> };

/** Every variable keyway reads, by service, so deployment checks can compare against manifests. */
const declared = new Map<string, Set<string>>();

export function declaredVariables(): ReadonlyMap<string, ReadonlySet<string>> {
  return declared;
}

/**
 * Declares a service's environment and returns its loader. Only this library reads process.env.
 * `check` sees the parsed values and names what no single variable's schema can (settings that
 * contradict each other); it runs only when every variable parsed. `renamed` maps old names to the
 * ones that replaced them: an old one still set is refused, naming the new one, rather than ignored.
 */
export function defineConfig<S extends EnvShape>(
  service: string,
  shape: S,
  check?: (config: ConfigOf<S>) => ConfigProblem[],
  renamed: Record<string, keyof S & string> = {},
) {
  declared.set(service, new Set(Object.keys(shape)));
  const schema = z.object(shape);
  return {
    service,
    variables: Object.keys(shape),
    load(env: Record<string, string | undefined> = process.env): ConfigOf<S> {
      const stale = Object.entries(renamed).filter(([old]) => env[old] !== undefined && env[old] !== '');
      if (stale.length > 0)
        throw new ConfigError(
          service,
          stale.map(([old, now]) => ({ variable: old, message: `was renamed ${now}: set ${now} instead` })),
        );
      const picked: Record<string, string | undefined> = {};
      for (const key of Object.keys(shape)) {
        const raw = env[key];
        picked[key] = raw === '' ? undefined : raw;
      }
      const parsed = schema.safeParse(picked);
      if (parsed.success) {
        const config = parsed.data as ConfigOf<S>;
        const conflicts = check?.(config) ?? [];
        if (conflicts.length > 0) throw new ConfigError(service, conflicts);
        return config;
      }
      const problems: ConfigProblem[] = parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message:
          picked[String(issue.path[0])] === undefined ? `is required: ${issue.message}` : issue.message,
      }));
      throw new ConfigError(service, problems);
    },
  };
}

/** Reads one variable outside a service (scripts, CLI), with a default. */
export function envValue(name: string, fallback?: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

export function allEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
