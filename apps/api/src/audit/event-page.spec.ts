import type { AuditEvent } from '#keyway/contracts';
import { decodeCursor, encodeCursor, mergePage, timeBound } from './event-page.js';

const ev = (at: string, id: string): AuditEvent => ({
  id,
  at,
  kind: 'api-request',
  actor: 'a',
  action: 'GET /',
});

describe('audit event pages', () => {
  it('merges sources newest first, ties by id, and says where the next page starts', () => {
    const sw = [ev('2026-12-04T10:00:03.000Z', 'sw:3'), ev('2026-12-04T10:00:01.000Z', 'sw:1')];
    const api = [ev('2026-12-04T10:00:03.000Z', 'api:9'), ev('2026-12-04T10:00:02.000Z', 'api:8')];
    const page = mergePage([sw, api], 3);
    expect(page.items.map((e) => e.id)).toEqual(['sw:3', 'api:9', 'api:8']);
    expect(page.next).toEqual({ at: '2026-12-04T10:00:02.000Z', id: 'api:8' });
    expect(mergePage([sw, []], 3)).toEqual({ items: sw });
  });

  it('cursors round-trip; anything else is refused', () => {
    const c = encodeCursor({ at: 'T', id: 'sw:1' });
    expect(decodeCursor(c)).toEqual({ at: 'T', id: 'sw:1' });
    expect(decodeCursor('nope')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"at":1}').toString('base64url'))).toBeUndefined();
  });

  it.each([
    ['24h', '2026-12-03T12:00:00.000Z'],
    ['7d', '2026-11-27T12:00:00.000Z'],
    ['30m', '2026-12-04T11:30:00.000Z'],
    ['2026-12-01T00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['yesterday', undefined],
    ['12', undefined],
  ])('time bound %s', (value, iso) => expect(timeBound(value, new Date('2026-12-04T12:00:00Z'))).toBe(iso));
});
