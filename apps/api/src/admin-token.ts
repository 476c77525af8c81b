import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The admin bootstrap token: KEYWAY_ADMIN_TOKEN when set; otherwise the one in the token file,
 * created (0600) on first start so the local suite's CLI finds it with no setup.
 */
export function resolveAdminToken(
  configured: string | undefined,
  file: string,
): { token: string; source: string } {
  if (configured) return { token: configured, source: 'KEYWAY_ADMIN_TOKEN' };
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { token: existing, source: file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = `kwadmin_${randomBytes(32).toString('base64url')}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: `${file} (generated)` };
}
