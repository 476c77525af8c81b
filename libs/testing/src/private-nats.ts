import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureNats, freePort, localNatsUsers, type NatsUsers } from '#keyway/infra';

export interface PrivateNats {
  url: string;
  /** With `usersPerService`: each service's user; anonymous clients are refused. */
  users?: NatsUsers;
  /** The server's log: permission violations are written there. */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * A nats-server (JetStream) of the test's own on a free port, for tests whose subjects or buckets
 * another running keyway service on the shared NATS would also answer or write.
 */
export async function privateNats(
  prefix = 'keyway-nats',
  options: { usersPerService?: boolean } = {},
): Promise<PrivateNats> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const url = `nats://127.0.0.1:${await freePort()}`;
  try {
    const users = options.usersPerService ? localNatsUsers(dir) : undefined;
    const nats = await ensureNats(url, dir, () => undefined, { users });
    return {
      url,
      users,
      logFile: path.join(dir, 'nats.log'),
      async stop() {
        await nats.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
