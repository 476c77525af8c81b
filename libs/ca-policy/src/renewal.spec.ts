import {
  backoffSeconds,
  compileSchedule,
  issuanceSpecHash,
  planRenewal,
  renewalTime,
  type IssuanceSpec,
  type RenewalInput,
} from './renewal.js';

const t = (iso: string) => new Date(iso);
const H = 3600;

describe('compileSchedule', () => {
  it('defaults to 2160h with renewal at 2/3', () => {
    expect(compileSchedule({})).toEqual({ ok: true, value: { durationSeconds: 2160 * H } });
  });

  it.each([
    [{ duration: '30m' }, 'spec.duration: 30m is shorter than the minimum 1h'],
    [{ duration: '24h', renewBefore: '1m' }, 'spec.renewBefore: 1m is shorter than the minimum 5m'],
    [{ duration: '24h', renewBefore: '24h' }, 'spec.renewBefore: 24h must be shorter than spec.duration 24h'],
    [{ duration: '1y' }, 'spec.duration: "1y" is not a duration'],
  ])('refuses %j', (spec, message) => {
    const r = compileSchedule(spec, 'Certificate/payments/web');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(`${r.errors[0].field}: ${r.errors[0].message}`).toContain(message);
      expect(r.errors[0].resource).toBe('Certificate/payments/web');
    }
  });
});

describe('renewalTime', () => {
  const nb = t('2026-01-01T00:00:00Z');
  const na = t('2026-01-31T00:00:00Z'); // 30 days

  it('renews at 2/3 of the lifetime by default', () => {
    expect(renewalTime(nb, na)).toEqual(t('2026-01-21T00:00:00Z'));
  });

  it('renews renewBefore ahead of notAfter when shorter than the lifetime', () => {
    expect(renewalTime(nb, na, 48 * H)).toEqual(t('2026-01-29T00:00:00Z'));
  });

  it('falls back to 2/3 when renewBefore is not shorter than the actual lifetime', () => {
    expect(renewalTime(nb, na, 31 * 24 * H)).toEqual(t('2026-01-21T00:00:00Z'));
  });

  it('truncates to whole seconds', () => {
    expect(renewalTime(t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:10Z')).getTime() % 1000).toBe(0);
  });
});

describe('backoffSeconds', () => {
  it('grows exponentially and stops at the cap', () => {
    const opts = { initialSeconds: 30, factor: 2, maxSeconds: 3600 };
    expect([0, 1, 2, 3, 4, 7, 8, 100].map((n) => backoffSeconds(n, opts))).toEqual([
      0, 30, 60, 120, 240, 1920, 3600, 3600,
    ]);
  });
});

describe('issuanceSpecHash', () => {
  const spec: IssuanceSpec = {
    issuer: 'int',
    sans: { dns: ['b.example.com', 'a.example.com'] },
    keyType: 'ecdsa-p256',
    usage: 'server',
  };

  it('ignores the order and case of names but not the key type', () => {
    const same = issuanceSpecHash({
      ...spec,
      sans: { dns: ['A.example.com', 'b.example.com'], ip: [], uri: [] },
    });
    expect(same).toBe(issuanceSpecHash(spec));
    expect(issuanceSpecHash({ ...spec, keyType: 'ecdsa-p384' })).not.toBe(issuanceSpecHash(spec));
  });
});

describe('planRenewal', () => {
  const issued = {
    notBefore: t('2026-01-01T00:00:00Z'),
    notAfter: t('2026-01-31T00:00:00Z'),
    specHash: 'h1',
  };
  const input = (over: Partial<RenewalInput>): RenewalInput => ({
    specHash: 'h1',
    issued,
    failures: 0,
    now: t('2026-01-10T00:00:00Z'),
    ...over,
  });

  it.each<[string, Partial<RenewalInput>, string]>([
    ['no certificate yet', { issued: undefined }, 'no-certificate'],
    ['a revoked certificate', { issued: { ...issued, revoked: true } }, 'revoked'],
    ['a changed spec', { specHash: 'h2' }, 'spec-changed'],
    ['an expired certificate', { now: t('2026-02-01T00:00:00Z') }, 'expired'],
    ['renewal time reached', { now: t('2026-01-21T00:00:00Z') }, 'renewal-due'],
  ])('issues for %s', (_what, over, reason) => {
    expect(planRenewal(input(over))).toMatchObject({ action: 'issue', reason });
  });

  it('waits until the renewal time while valid', () => {
    expect(planRenewal(input({}))).toEqual({
      action: 'wait',
      reason: 'valid',
      until: t('2026-01-21T00:00:00Z'),
      renewalTime: t('2026-01-21T00:00:00Z'),
    });
  });

  it('backs off after failures, then retries', () => {
    const failedAt = t('2026-01-21T00:00:00Z');
    const backoff = { initialSeconds: 30, factor: 2, maxSeconds: 3600 };
    const waiting = planRenewal(
      input({ now: t('2026-01-21T00:01:00Z'), failures: 3, lastFailureAt: failedAt, backoff }),
    );
    expect(waiting).toMatchObject({
      action: 'wait',
      reason: 'backoff',
      until: t('2026-01-21T00:02:00Z'),
      pending: 'renewal-due',
      failures: 3,
    });
    const retry = planRenewal(
      input({ now: t('2026-01-21T00:02:00Z'), failures: 3, lastFailureAt: failedAt, backoff }),
    );
    expect(retry).toMatchObject({ action: 'issue', reason: 'renewal-due' });
  });
});
