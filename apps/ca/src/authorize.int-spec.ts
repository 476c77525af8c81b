import type { Actor } from '#keyway/contracts';
import { CaError } from './errors.js';
import { startCaFixture, type CaFixture } from './testing/ca-test-fixture.js';

/** `keyway.ca.authorize` (ACME newOrder): the policy decision alone; refusals recorded, allowances not. */
let f: CaFixture;
beforeAll(async () => {
  f = await startCaFixture();
});
afterAll(async () => {
  await f.close();
});

const acmeAccount: Actor = { kind: 'acme', name: 'acme/payments-int/acct/abc', team: 'payments' };
const request = (dns: string[], over: Record<string, unknown> = {}) => ({
  schemaVersion: 1 as const,
  issuer: 'payments-int',
  sans: { dns, ip: [] as string[], uri: [] as string[] },
  actor: acmeAccount,
  reason: 'ACME newOrder',
  ...over,
});

async function decisionCount(): Promise<number> {
  const rows: Array<{ n: string }> = await f.ds.query(`SELECT count(*) AS n FROM policy_decisions`);
  return Number(rows[0].n);
}

describe('keyway.ca.authorize', () => {
  it('allows names the team policy allows, naming the policy, and records nothing', async () => {
    const before = await decisionCount();
    await expect(f.core.issuance.authorize(request(['api.example.com']))).resolves.toEqual({
      allowed: true,
      policy: 'payments/web',
    });
    expect(await decisionCount()).toBe(before);
  });

  it.each([
    ['a name outside the policy', ['shop.example.org'], {}, 'sans.dns[0]'],
    ['a wildcard without opt-in', ['*.example.com'], {}, 'sans.dns[0]'],
    ['a TTL over the maximum', ['api.example.com'], { ttl: '9000h' }, 'ttl'],
  ])(
    'refuses %s with the rule, and records the refusal with the ACME account',
    async (_what, dns, over, field) => {
      const before = await decisionCount();
      let error: unknown;
      try {
        await f.core.issuance.authorize(request(dns, over));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CaError);
      expect((error as CaError).code).toBe('forbidden');
      expect((error as CaError).errors).toEqual([
        expect.objectContaining({ code: 'forbidden', resource: 'CaPolicy/payments/web', field }),
      ]);
      expect(await decisionCount()).toBe(before + 1);
      const rows: Array<{ action: string; allowed: boolean; actor: Actor }> = await f.ds.query(
        `SELECT action, allowed, actor FROM policy_decisions ORDER BY seq DESC LIMIT 1`,
      );
      expect(rows[0]).toEqual({ action: 'authorize', allowed: false, actor: acmeAccount });
    },
  );
});
