import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './endpoint.js';
import { startServiceProcess, waitReady } from './service-process.js';

/** A real compiled keyway app (the samples) under the supervisor: killed, it comes back. */
describe('supervised service processes', () => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-supervise-'));
  afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

  it('restarts a process killed with SIGKILL, reports the cause, and stop() ends it for good', async () => {
    const [httpbin, helloworld] = [await freePort(), await freePort()];
    const lines: string[] = [];
    const restarted: number[] = [];
    const proc = startServiceProcess(
      'samples',
      { HTTPBIN_PORT: String(httpbin), HELLOWORLD_PORT: String(helloworld), LOG_FORMAT: 'json' },
      logDir,
      process.cwd(),
      { report: (l) => lines.push(l), restarted: (p) => restarted.push(p.child.pid!) },
    );
    try {
      const health = `http://127.0.0.1:${helloworld}/health`;
      await waitReady(proc, health);
      const first = proc.child.pid!;
      const killedAt = Date.now();
      proc.child.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while (restarted.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(restarted).toHaveLength(1);
      expect(proc.child.pid).not.toBe(first);
      expect(proc.restarts).toBe(1);
      expect(lines[0]).toMatch(/^samples exited \(SIGKILL\); restart 1 in 0\.5s/);
      await waitReady(proc, health);
      // Back within the first backoff step plus a start.
      expect(Date.now() - killedAt).toBeLessThan(5000);
    } finally {
      await proc.stop();
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(proc.restarts).toBe(1);
    expect(proc.child.exitCode !== null || proc.child.signalCode !== null).toBe(true);
  }, 30_000);
});
