import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envValue } from '#keyway/config';
import { ApiClient, CliError, type Fetch } from './api-client.js';
import { UsageError } from './argv.js';
import { parseCommand } from './command.js';
import { processIo, type Io } from './io.js';
import { JsonPathError } from './jsonpath.js';
import { Runner } from './run.js';
import { resolveSettings, SettingsError } from './settings.js';
import { paint } from './table.js';

export interface MainOptions {
  io?: Io;
  env?: { server?: string; token?: string; home?: string };
  /** Directories searched for `.keyway/admin-token` (default: cwd and the keyway checkout). */
  projectDirs?: string[];
  fetch?: Fetch;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The checkout this CLI runs from: dist/apps/cli/src or apps/cli/src, up to package.json. */
function checkoutDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'apps'))) return dir;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Runs one `keyway` command line; returns the exit code (never calls process.exit). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const colour = io.isTTY;
  try {
    const cmd = parseCommand(argv);
    const env = options.env ?? {
      server: envValue('KEYWAY_SERVER'),
      token: envValue('KEYWAY_TOKEN'),
      home: os.homedir(),
    };
    const configPath = env.home ? path.join(env.home, '.keyway', 'config') : undefined;
    const configText = configPath ? readIfExists(configPath) : undefined;
    const dirs =
      options.projectDirs ?? [process.cwd(), checkoutDir()].filter((d): d is string => d !== undefined);
    const localAdminToken = dirs
      .map((d) => readIfExists(path.join(d, '.keyway', 'admin-token')))
      .find((t) => t !== undefined);
    const settings = resolveSettings({
      flags: { server: cmd.server, token: cmd.token },
      env: { server: env.server, token: env.token },
      configFile: configPath && configText !== undefined ? { path: configPath, text: configText } : undefined,
      localAdminToken,
    });
    const retry = {
      maxSeconds: Number(envValue('KEYWAY_RETRY_SECONDS') ?? 20),
      notify: (l: string) => io.err(`${l}\n`),
    };
    const runner = new Runner(new ApiClient(settings.server, settings.token, options.fetch, retry), io);
    return await runner.run(cmd);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SettingsError || e instanceof JsonPathError) {
      io.err(`${paint('error', 'red', colour)}: ${e.message}\n`);
      if (e instanceof UsageError) io.err('See `keyway help`.\n');
      return 2;
    }
    if (e instanceof CliError) {
      io.err(`${e.message}\n`);
      return e.exitCode;
    }
    io.err(`${paint('error', 'red', colour)}: ${(e as Error).message}\n`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1]);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
