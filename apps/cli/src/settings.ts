import YAML from 'yaml';

/**
 * Where the CLI finds its server and token: flags, then KEYWAY_SERVER/KEYWAY_TOKEN, then
 * ~/.keyway/config, then the local suite (`npm start`: http://127.0.0.1:8081 and the admin token
 * it wrote to .keyway/admin-token). Pure: every source is passed in.
 */
export const LOCAL_SERVER = 'http://127.0.0.1:8081';

export interface SettingsSources {
  flags: { server?: string; token?: string };
  env: { server?: string; token?: string };
  /** Text of ~/.keyway/config, if it exists. */
  configFile?: { path: string; text: string };
  /** The local suite's admin token, if a .keyway/admin-token was found. */
  localAdminToken?: string;
}

export interface Settings {
  server: string;
  token?: string;
  tokenSource: string;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function resolveSettings(s: SettingsSources): Settings {
  let file: { server?: unknown; token?: unknown } = {};
  if (s.configFile) {
    try {
      const parsed: unknown = YAML.parse(s.configFile.text);
      if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed)))
        throw new Error('must be a mapping with server and token');
      file = (parsed ?? {}) as typeof file;
    } catch (e) {
      throw new SettingsError(`${s.configFile.path}: ${(e as Error).message.split('\n')[0]}`);
    }
    for (const k of ['server', 'token'] as const)
      if (file[k] !== undefined && typeof file[k] !== 'string')
        throw new SettingsError(`${s.configFile.path}: ${k}: must be a string`);
  }
  const server = s.flags.server ?? s.env.server ?? (file.server as string | undefined) ?? LOCAL_SERVER;
  try {
    const u = new URL(server);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new SettingsError(`server ${JSON.stringify(server)}: must be an http:// or https:// URL`);
  }
  // The local suite's admin token goes only to a server on this machine: pointed elsewhere (a
  // typo, a hostile KEYWAY_SERVER), the CLI must not hand the platform's admin token to it.
  const local = isLoopback(new URL(server).hostname);
  const candidates: Array<[string | undefined, string]> = [
    [s.flags.token, '--token'],
    [s.env.token, 'KEYWAY_TOKEN'],
    [file.token as string | undefined, s.configFile?.path ?? 'config'],
    [local ? s.localAdminToken : undefined, '.keyway/admin-token'],
  ];
  const found = candidates.find(([v]) => v !== undefined && v !== '');
  return { server: server.replace(/\/+$/, ''), token: found?.[0]?.trim(), tokenSource: found?.[1] ?? 'none' };
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
