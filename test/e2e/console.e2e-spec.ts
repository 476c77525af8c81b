/**
 * The web console (apps/console) in Debian's Chromium, driven by playwright-core, against a running
 * suite with data made the way people make it: teams and tokens through the admin routes, everything
 * else through the `keyway` CLI. Each page must show the values behind it, with no console error and
 * no serious or critical axe-core finding; a screenshot of each page is left in .keyway/test-output/console.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureCommand } from '#keyway/infra';
import { runProgram, waitFor } from '#keyway/testing';
import { ok, selfSignedPair, serialOf, startWalkthroughSuite, type WalkthroughSuite } from './support.js';

const OUT = path.resolve('.keyway/test-output/console');
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PROXY_NODE =
  'router~127.0.0.1~istio-ingressgateway-local-0.istio-system~istio-system.svc.cluster.local';

let w: WalkthroughSuite;
let browser: Browser;
const tokens: Record<string, string> = {};
const serials: string[] = [];
let edgeSerial = '';

function secretYaml(namespace: string, name: string, pair: { cert: string; key: string }): string {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pair.cert)}
  tls.key: ${b64(pair.key)}
`;
}

const as = (team: string, args: string[], stdin?: string) =>
  runProgram(process.execPath, [path.resolve('bin/keyway.mjs'), ...args], {
    env: { ...w.suite.cliEnv, KEYWAY_TOKEN: tokens[team] },
    stdin,
    cwd: w.workDir,
  });

async function admin(method: string, url: string, body?: unknown): Promise<any> {
  const r = await fetch(`${w.suite.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

beforeAll(async () => {
  // As npm test does for NATS and Postgres: the browser is installed when it is missing.
  if (!ensureCommand('chromium', 'chromium', (l) => console.log(`keyway: ${l}`)))
    throw new Error('Chromium is not installed and could not be: apt-get install chromium');
  w = await startWalkthroughSuite();
  for (const team of ['payments', 'storefront']) {
    await admin('POST', '/v1/teams', { name: team, namespaces: [team], domains: [`${team}.example.com`] });
    tokens[team] = (
      await admin('POST', '/v1/tokens', { name: `${team}-ci`, team, verbs: ['read', 'write'] })
    ).token;
  }
  // A credential rotated once, by its team.
  for (const days of [30, 90]) {
    const pair = selfSignedPair(w.workDir, `checkout.payments.example.com`, days);
    serials.push(serialOf(pair.cert));
    ok(await as('payments', ['apply', '-f', '-'], secretYaml('payments', 'checkout-tls', pair)));
  }
  ok(
    await as(
      'payments',
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: checkout, namespace: payments}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-checkout, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: checkout-tls}
    hosts: [checkout.payments.example.com]
`,
    ),
  );
  // The other team's credential, expiring within a week.
  ok(
    await as(
      'storefront',
      ['apply', '-f', '-'],
      secretYaml('storefront', 'shop-tls', selfSignedPair(w.workDir, 'shop.storefront.example.com', 5)),
    ),
  );
  // The platform's Gateway: one server served, one refused for a credential that does not exist.
  const edge = selfSignedPair(w.workDir, 'edge.example.com', 60);
  edgeSerial = serialOf(edge.cert);
  ok(await w.keyway(['apply', '-f', '-'], secretYaml('istio-system', 'edge-tls', edge)));
  ok(
    await w.keyway(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-edge, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: edge-tls}
    hosts: [edge.example.com]
  - port: {number: 443, name: https-missing, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: missing-tls}
    hosts: [missing.example.com]
`,
    ),
  );
  // The CA: an issuer chain and a certificate issued from it.
  ok(await w.keyway(['cert', 'issue', 'api.example.com', '--out', 'api-cert']));
  // The suite's gateway (a connected proxy) holds the platform's credential.
  await waitFor(
    async () => {
      const { items } = await admin('GET', '/v1/proxies');
      const p = items.find((x: any) => x.nodeId === PROXY_NODE);
      return p?.secrets?.['kubernetes://edge-tls']?.acked &&
        Object.values(p.types ?? {}).every((t: any) => t.status === 'SYNCED')
        ? true
        : undefined;
    },
    { what: 'the gateway to hold edge-tls, in sync', timeoutMs: 30_000 },
  );
  fs.mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

function chromiumPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  return r.stdout.trim() || '/usr/bin/chromium';
}

/** A signed-in tab that records every console error and uncaught exception. */
async function signedIn(token: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${w.suite.apiUrl}/ui/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return { page, errors };
}

/** Opens a page by its shareable URL and waits until nothing is loading. */
async function open(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${w.suite.apiUrl}/ui/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  // A function, not text: the page's CSP refuses eval. `globalThis`: this project has no DOM types.
  await page.waitForFunction(
    () => !(globalThis as any).document.body.innerText.includes('Loading…'),
    undefined,
    {
      timeout: 20_000,
    },
  );
}

/** axe-core's serious and critical findings on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // evaluate runs outside the page's CSP (script-src 'self'), which would refuse an injected <script>.
  await page.evaluate(AXE);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })))`)) as Array<{
    id: string;
    impact: string;
    nodes: number;
    help: string;
  }>;
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.nodes}): ${v.help}`);
}

async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  expect({ name, problems: await accessibilityProblems(page) }).toEqual({ name, problems: [] });
}

describe('the console, signed in with the admin token', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await signedIn(w.suite.adminToken));
  });

  it('overview: counts, expiring credentials, proxies in sync, the refused Gateway with its reason, the audit chain', async () => {
    await open(page, '#/overview', 'Overview');
    await page.getByTestId('verification').waitFor();
    expect(await page.getByTestId('count-credentials').innerText()).toBe('3');
    expect(await page.getByTestId('count-gateways').innerText()).toBe('2');
    expect(await page.getByTestId('count-proxies').innerText()).toBe('1');
    expect(await page.getByTestId('expiring-7').innerText()).toBe('1');
    expect(await page.getByTestId('count-out-of-sync').innerText()).toBe('0');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Gateway/istio-system/edge-gateway');
    expect(text).toContain('no credential "missing-tls" in namespace of the proxies');
    expect(await page.getByTestId('verification').innerText()).toMatch(/intact\s+whole log/);
    await check(page, 'overview');
  });

  it('credentials: every credential in the table, filterable by a shareable URL, with the expiry plot', async () => {
    await open(page, '#/credentials', 'Credentials');
    expect(await page.getByTestId('row-count').innerText()).toBe('3 of 3 credentials');
    const table = page.getByRole('table', { name: 'Credentials' });
    for (const name of ['checkout-tls', 'shop-tls', 'edge-tls'])
      await table.getByRole('link', { name }).waitFor();
    expect(await page.getByTestId('expiry-plot').locator('canvas').count()).toBe(1);
    await check(page, 'credentials');
    await open(page, '#/credentials?ns=payments', 'Credentials');
    expect(await page.getByTestId('row-count').innerText()).toBe('1 of 3 credentials');
    await open(page, '#/credentials?expires=7', 'Credentials');
    expect(await page.getByRole('table', { name: 'Credentials' }).getByRole('link').allInnerTexts()).toEqual([
      'shop-tls',
    ]);
  });

  it("credential detail: the rotated credential's history, both serials side by side, and who uses it", async () => {
    await open(page, '#/credential/payments/checkout-tls', /payments\/checkout-tls/);
    expect(await page.getByTestId('history').locator('li').count()).toBe(2);
    const serialRow = page.getByTestId('diff').getByRole('row', { name: /^Serial/ });
    expect(await serialRow.locator('td').allInnerTexts()).toEqual(serials);
    expect(await page.getByTestId('used-by-gateways').innerText()).toContain('payments/checkout');
    expect(await page.getByTestId('used-by-hosts').innerText()).toBe('checkout.payments.example.com');
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/PRIVATE KEY|tls\.key/);
    await check(page, 'credential-diff');
  });

  it("gateways: each server's hosts, TLS mode, credential and compiled routes; the refused server with its reason", async () => {
    await open(page, '#/gateways', 'Gateways and routes');
    const edge = page.getByTestId('gateway-istio-system/edge-gateway');
    const served = edge.getByRole('row').filter({ hasText: 'edge.example.com' });
    expect(await served.innerText()).toContain('route https.443.https-edge.edge-gateway.istio-system');
    const refused = edge.getByRole('row').filter({ hasText: 'missing.example.com' });
    expect(await refused.innerText()).toMatch(
      /refused[\s\S]*unknown-credential[\s\S]*no credential "missing-tls"/,
    );
    await check(page, 'gateways');
  });

  it("proxies: the gateway's per-type sync state, and its secrets with the version it holds", async () => {
    await open(page, `#/proxies?proxy=${encodeURIComponent(`istio-system/${PROXY_NODE}`)}`, 'Proxies');
    const row = page.getByTestId('proxies').getByRole('row').filter({ hasText: PROXY_NODE });
    expect(await row.innerText()).toMatch(/in sync[\s\S]*LDS\s+SYNCED[\s\S]*SDS\s+SYNCED/);
    const secret = page
      .getByTestId('proxy-secrets')
      .getByRole('row')
      .filter({ hasText: 'kubernetes://edge-tls' });
    await secret.waitFor();
    expect(await secret.innerText()).toMatch(new RegExp(`SYNCED[\\s\\S]*${edgeSerial.replace(/^0+/, '')}`));
    await check(page, 'proxies');
  });

  it('audit: events filtered by the URL, and the verification status', async () => {
    await open(page, '#/audit?kind=credential-version&namespace=payments', 'Audit');
    const rows = page.getByTestId('events').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(/credential-version\s+payments\/checkout-tls\s+updated\s+user:payments-ci/),
      expect.stringMatching(/credential-version\s+payments\/checkout-tls\s+created\s+user:payments-ci/),
    ]);
    expect(await page.getByTestId('verification').innerText()).toMatch(/intact/);
    await check(page, 'audit');
  });

  it('CA: the issuer chain with expiry, the CRL next update, the issued certificate', async () => {
    await open(page, '#/ca', 'Certificate authority');
    const issuers = await page.getByTestId('issuers').innerText();
    expect(issuers).toMatch(/-int\s+intermediate\s+api-example-com-\w+-root → api-example-com-\w+-int/);
    expect(await page.locator('[data-testid^="crl-next-"]').count()).toBe(2);
    expect(await page.getByTestId('issued').innerText()).toContain('CN=api.example.com');
    await check(page, 'ca');
  });

  it('wrote nothing to the browser console', () => {
    expect(errors).toEqual([]);
  });
});

describe('the console, signed in with a team token', () => {
  it("shows that team's namespaces only, and another team's credential as the api's refusal", async () => {
    const { page, errors } = await signedIn(tokens.payments);
    expect(await page.getByTestId('count-credentials').innerText()).toBe('1');
    await open(page, '#/credentials', 'Credentials');
    expect(await page.getByRole('table', { name: 'Credentials' }).getByRole('link').allInnerTexts()).toEqual([
      'checkout-tls',
    ]);
    expect(await page.getByLabel('Namespace').locator('option').allInnerTexts()).toEqual(['all', 'payments']);
    await check(page, 'team-credentials');
    await open(page, '#/credential/storefront/shop-tls', /storefront\/shop-tls/);
    expect(await page.getByRole('alert').innerText()).toMatch(/^Error 403: /);
    // The refused request is the browser's own "Failed to load resource" line; nothing else.
    expect(errors.filter((e) => !/status of 403 \(Forbidden\)/.test(e))).toEqual([]);
  });
});

describe('the production bundle', () => {
  it('the first page loads under 300 KB gzipped', () => {
    const dir = path.resolve('dist/console');
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/ui\/([^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    const gzipped = [html, ...assets.map((a) => fs.readFileSync(path.join(dir, a)))].reduce(
      (n, body) => n + gzipSync(body).length,
      0,
    );
    console.log(`console first page: ${assets.length + 1} files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(300 * 1024);
  });
});
