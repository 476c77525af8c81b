import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { allEnv } from '#keyway/config';
import type { Report } from './running-service.js';

/**
 * On Debian or Ubuntu as root, installs an OS package (apt-get) that provides a program the bring-up
 * or a test needs; false where it cannot (not root, no apt-get, the install failed).
 */
export function installOsPackage(pkg: string, report: Report): boolean {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) return false;
  report(`installing the ${pkg} OS package (apt-get)`);
  const env = { ...allEnv(), DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env }).status === 0;
}

/** `command` runs (`--version`), installing `pkg` first if it does not; false when it still does not. */
export function ensureCommand(command: string, pkg: string, report: Report): boolean {
  const runs = () => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
  return runs() || (installOsPackage(pkg, report) && runs());
}
