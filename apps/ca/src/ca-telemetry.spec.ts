import { Registry } from 'prom-client';
import { CaTelemetry, refusalRules } from './ca-telemetry.js';
import type { DecisionRecord } from './issuance-recorder.js';

describe('ca telemetry', () => {
  it.each([
    { reasons: ['sans.dns[0]: "x.evil.com" is outside domains'], rules: ['sans.dns'] },
    {
      reasons: ['ttl: 90d exceeds the maximum 30d', 'keyType: rsa-1024 is not allowed'],
      rules: ['ttl', 'keyType'],
    },
    { reasons: ['sans.dns[0]: a', 'sans.dns[1]: b'], rules: ['sans.dns'] },
    // Client text never becomes a label: anything but a field path is "other".
    { reasons: ['no colon here'], rules: ['other'] },
    { reasons: ['{"evil": label}: x'], rules: ['other'] },
    { reasons: [], rules: ['other'] },
  ])('refusal rules of $reasons', ({ reasons, rules }) => {
    expect(refusalRules(reasons)).toEqual(rules);
  });

  it('counts issuance, refusals by rule, renewals and issuer expiry', async () => {
    const registry = new Registry();
    const telemetry = new CaTelemetry(registry, {
      list: () => Promise.resolve([{ name: 'web-ca', notAfter: '2030-01-01T00:00:00.000Z' }] as never),
    });
    const record = (over: Partial<DecisionRecord>): DecisionRecord => ({
      id: 'x',
      at: new Date(),
      action: 'issue',
      actor: { kind: 'user', name: 'alice' },
      team: 'payments',
      issuer: 'web-ca',
      allowed: true,
      policy: 'payments/default',
      reasons: [],
      request: {},
      serial: '01',
      ...over,
    });
    telemetry.issued(record({}));
    telemetry.issued(record({ action: 'sign' }));
    telemetry.refused(record({ allowed: false, reasons: ['ttl: too long'] }));
    telemetry.renewed('web-ca');
    telemetry.renewalFailed('web-ca');
    const text = await registry.metrics();
    expect(text).toContain('keyway_ca_certificates_issued_total{issuer="web-ca",action="issue"} 1');
    expect(text).toContain('keyway_ca_certificates_issued_total{issuer="web-ca",action="sign"} 1');
    expect(text).toContain('keyway_ca_issuance_refusals_total{issuer="web-ca",action="issue",rule="ttl"} 1');
    expect(text).toContain('keyway_ca_certificate_renewals_total{issuer="web-ca"} 1');
    expect(text).toContain('keyway_ca_certificate_renewal_failures_total{issuer="web-ca"} 1');
    expect(text).toContain('keyway_ca_issuer_not_after_timestamp_seconds{issuer="web-ca"} 1893456000');
  });
});
