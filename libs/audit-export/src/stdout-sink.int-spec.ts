/**
 * The stdout audit device (AUDIT_SINK=stdout) as a container's log collector sees it: a real process
 * (the built library) writes two batches; its standard output is one JSON line per event, in order,
 * and the write resolves only once stdout took the bytes.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const sinks = path.resolve('dist/libs/audit-export/src/audit-sinks.js');
const script = `
(async () => {
  const { openAuditSink } = await import(${JSON.stringify(pathToFileURL(sinks).href)});
  const sink = openAuditSink({ kind: 'stdout' }, { nc: undefined, replicas: 1 });
  await sink.check();
  await sink.write([{ id: 'w:1', writer: 'w', at: '2026-12-04T00:00:00.000Z', kind: 'credential-version', n: 1 }]);
  await sink.write([
    { id: 'w:2', writer: 'w', at: '2026-12-04T00:00:01.000Z', kind: 'credential-version', text: 'a\\nb' },
    { id: 'w:3', writer: 'w', at: '2026-12-04T00:00:02.000Z', kind: 'rejected-version' },
  ]);
  await sink.close();
  process.stderr.write('done');
})().catch((e) => { console.error(e); process.exit(1); });
`;

it('writes one JSON line per event, in order, and nothing else', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script]);
  expect(stderr).toBe('done');
  const lines = stdout.split('\n');
  expect(lines.at(-1)).toBe('');
  const events = lines.slice(0, -1).map((l) => JSON.parse(l) as { id: string; text?: string });
  expect(events.map((e) => e.id)).toEqual(['w:1', 'w:2', 'w:3']);
  expect(events[1]!.text).toBe('a\nb');
});
