// The NATS users and permissions compose and Kubernetes run with are generated from one table
// (libs/contracts nats-permissions.ts): stale copies are refused, and nats-server itself accepts each
// configuration with the passwords its deployment gives it.
import { spawnSync } from 'node:child_process';
import { BUS_USERS, natsPasswordVariable } from '#keyway/contracts';
// @ts-expect-error: a plain .mjs script, no declarations
import { AUTHORIZATION_FILES, authorizationConfig } from '../../scripts/gen-nats.mjs';
import { readText } from './lib/repo.js';

const passwords = Object.fromEntries(BUS_USERS.map((u) => [natsPasswordVariable(u), `test-${u}`]));

describe('NATS authorization (one user per service)', () => {
  it.each(AUTHORIZATION_FILES as string[])('%s is what `npm run gen:nats` writes', async (file) => {
    expect(readText(file)).toBe(await authorizationConfig());
  });

  it.each(['deploy/nats/nats.conf', 'k8s/base/nats/nats.conf', 'k8s/overlays/local/nats-standalone.conf'])(
    'nats-server accepts %s with the deployment’s password variables, and refuses it without them',
    (conf) => {
      const test = (env: Record<string, string>) =>
        spawnSync('nats-server', ['-c', conf, '-t'], {
          env: { PATH: process.env.PATH, POD_NAME: 'nats-0', ...env },
        });
      const ok = test(passwords);
      expect({ conf, status: ok.status, stderr: String(ok.stderr) }).toEqual({
        conf,
        status: 0,
        stderr: expect.stringMatching(/is valid\n$/),
      });
      const missing = test({});
      expect(missing.status).not.toBe(0);
      expect(String(missing.stderr)).toMatch(/KEYWAY_NATS_\w+_PASSWORD/);
    },
  );
});
