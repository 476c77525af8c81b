import { proxySecretsView } from './proxy-config.js';

describe('proxy-config secret view', () => {
  const credentials = [{ name: 'web', contentHash: 'b'.repeat(64) }];
  const history = () => [
    { revision: 1, contentHash: 'a'.repeat(64), leafSerial: '01', notAfter: '2027-01-01T00:00:00.000Z' },
    { revision: 2, contentHash: 'b'.repeat(64), leafSerial: '02', notAfter: '2028-01-01T00:00:00.000Z' },
  ];
  const now = new Date('2026-12-01T00:00:00Z');

  it.each([
    { case: 'holds the latest', acked: 'b'.repeat(16), status: 'SYNCED', serial: '02', revision: '2' },
    {
      case: 'still on the old version (stalled)',
      acked: 'a'.repeat(16),
      status: 'STALE',
      serial: '01',
      revision: '1',
    },
    { case: 'sent, never ACKed', acked: undefined, status: 'NOT ACKED', serial: '-', revision: '-' },
  ])('$case', ({ acked, status, serial, revision }) => {
    const view = proxySecretsView(
      { secrets: { 'kubernetes://web': { sent: 'b'.repeat(16), ...(acked ? { acked } : {}) } } },
      credentials,
      history,
      now,
    );
    const row = view.rows[0];
    expect([row[0], row[1], row[4], row[7]]).toEqual(['kubernetes://web', status, serial, revision]);
  });
});
