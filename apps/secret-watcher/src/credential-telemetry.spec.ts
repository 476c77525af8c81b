import { chainRow, type AuditEntry, type ChainedAuditRow } from '#keyway/secrets';
import { Registry } from 'prom-client';
import { CredentialTelemetry } from './credential-telemetry.js';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  namespace: 'team-a',
  name: 'web',
  revision: 1,
  action: 'created',
  source: 'api',
  actor: 'user:alice',
  leafSerial: '01',
  subject: 'CN=web',
  sans: ['web.example.com'],
  issuer: 'CN=ca',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  leafFingerprint: 'f',
  caFingerprints: [],
  publicKeyFingerprint: 'p',
  contentHash: 'h',
  reason: null,
  recordedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** Rows chained in order (the chain itself is not what is under test here). */
function chainRows(entries: AuditEntry[]): ChainedAuditRow[] {
  const out: ChainedAuditRow[] = [];
  for (const e of entries) out.push(chainRow(out[out.length - 1], e));
  return out;
}

async function sample(registry: Registry, name: string): Promise<Array<{ labels: object; value: number }>> {
  const metric = registry.getSingleMetric(name)!;
  const got = await metric.get();
  return got.values.map((v) => ({ labels: v.labels, value: v.value }));
}

describe('credential telemetry', () => {
  it.each([
    {
      case: 'a created version is served until its not-after',
      rows: [entry({})],
      expiry: [{ labels: { namespace: 'team-a', name: 'web', source: 'api' }, value: 1798761600 }],
    },
    {
      case: 'an update moves the expiry and the source',
      rows: [
        entry({}),
        entry({ revision: 2, action: 'updated', source: 'kubernetes', notAfter: '2028-01-01T00:00:00.000Z' }),
      ],
      expiry: [{ labels: { namespace: 'team-a', name: 'web', source: 'kubernetes' }, value: 1830297600 }],
    },
    {
      case: 'a rejection leaves the last good version',
      rows: [entry({}), entry({ revision: 2, action: 'rejected', notAfter: null, reason: 'expired' })],
      expiry: [{ labels: { namespace: 'team-a', name: 'web', source: 'api' }, value: 1798761600 }],
    },
    {
      case: 'a deletion removes the credential',
      rows: [entry({}), entry({ revision: 2, action: 'deleted', notAfter: null })],
      expiry: [],
    },
  ])('$case', async ({ rows, expiry }) => {
    const registry = new Registry();
    const telemetry = new CredentialTelemetry(registry);
    telemetry.committed(chainRows(rows));
    expect(await sample(registry, 'keyway_credential_not_after_timestamp_seconds')).toEqual(expiry);
    const versions = await sample(registry, 'keyway_credential_versions_total');
    expect(versions.reduce((n, v) => n + v.value, 0)).toBe(rows.length);
  });

  it('loads what is served after a restart and counts rejections by code', async () => {
    const registry = new Registry();
    const telemetry = new CredentialTelemetry(registry);
    telemetry.load(chainRows([entry({ name: 'a' }), entry({ name: 'b', source: 'directory' })]));
    telemetry.rejected('expired');
    telemetry.rejected('expired');
    telemetry.rejected('key-mismatch');
    expect((await sample(registry, 'keyway_credential_not_after_timestamp_seconds')).length).toBe(2);
    expect(await sample(registry, 'keyway_credential_rejected_versions_total')).toEqual([
      { labels: { reason: 'expired' }, value: 2 },
      { labels: { reason: 'key-mismatch' }, value: 1 },
    ]);
  });
});
