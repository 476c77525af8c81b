import pino from 'pino';
import { waitFor } from '#keyway/testing';
import { AuditExporter, type ExportSource } from './audit-exporter.js';
import type { AuditSink } from './audit-sinks.js';
import type { ExportedEvent } from './exported-event.js';

/** The record and the device in memory: the exporter's rules, without I/O. */
function setup(required: boolean) {
  const rows: Array<{ position: number; event: ExportedEvent }> = [];
  const cursors = new Map<string, number>();
  const written: string[] = [];
  let down = false;
  const source: ExportSource = {
    after: async (cursor, limit) => rows.filter((r) => r.position > cursor).slice(0, limit),
    loadCursor: async (sink) => cursors.get(sink) ?? 0,
    saveCursor: async (sink, p) => void cursors.set(sink, p),
  };
  const sink: AuditSink = {
    name: 'memory',
    write: async (events) => {
      if (down) throw new Error('receiver down');
      written.push(...events.map((e) => e.id));
    },
    check: async () => {
      if (down) throw new Error('receiver down');
    },
    close: async () => undefined,
  };
  const add = (n: number) => {
    const position = rows.length + 1;
    rows.push({ position, event: { id: `w:${position}`, writer: 'w', at: 'T', kind: 'k', n } });
  };
  const exporter = () =>
    new AuditExporter(source, sink, { required, pollMs: 20, batch: 2, logger: pino({ level: 'silent' }) });
  return { add, written, cursors, exporter, setDown: (v: boolean) => void (down = v) };
}

describe('AuditExporter', () => {
  it('writes in commit order in batches, and a new exporter resumes after the saved cursor', async () => {
    const t = setup(false);
    for (let i = 0; i < 5; i++) t.add(i);
    const first = t.exporter();
    await first.start();
    await waitFor(() => t.written.length === 5);
    await first.stop();
    t.add(5);
    const second = t.exporter();
    await second.start();
    await waitFor(() => t.written.length === 6);
    await second.stop();
    expect(t.written).toEqual(['w:1', 'w:2', 'w:3', 'w:4', 'w:5', 'w:6']);
    expect(t.cursors.get('memory')).toBe(6);
  });

  it('a required sink that fails is not writable until it takes what waited; an optional one always is', async () => {
    for (const required of [true, false]) {
      const t = setup(required);
      t.setDown(true);
      const e = t.exporter();
      await e.start();
      t.add(0);
      e.nudge();
      await waitFor(() => e.health().detail.includes('failing'));
      expect(e.writable()).toBe(!required);
      expect(e.health().ok).toBe(!required);
      t.setDown(false);
      await waitFor(() => t.written.length === 1, { timeoutMs: 5000 });
      await waitFor(() => e.writable());
      await e.stop();
    }
  });

  it('checks a required sink while idle, so a dead one is known before anything is written', async () => {
    const t = setup(true);
    t.setDown(true);
    const e = t.exporter();
    await e.start();
    await waitFor(() => !e.writable());
    await e.stop();
  });
});
