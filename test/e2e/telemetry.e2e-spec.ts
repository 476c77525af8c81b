/**
 * Expiry and issuance telemetry where production needs it (the secret-watcher and the ca, not only
 * keyway's own gateway), and alert rules and a dashboard that read only metrics the running
 * services really export: scraped here from every process of a running suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { waitFor } from '#keyway/testing';
import { startWalkthroughSuite, type WalkthroughSuite } from './support.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroups {
  groups: Array<{ name: string; rules: Rule[] }>;
}

const rulesFile = parse(fs.readFileSync('deploy/monitoring/keyway-alerts.rules.yml', 'utf8')) as RuleGroups;
const prometheusRule = parse(fs.readFileSync('k8s/monitoring/prometheus-rule.yaml', 'utf8')) as {
  kind: string;
  spec: RuleGroups;
};
const dashboard = JSON.parse(fs.readFileSync('k8s/monitoring/keyway-dashboard.json', 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};

/** keyway metric names an expression reads; a histogram's series name their family. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\bkeyway_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

/** `# TYPE name kind` lines: every family a process exports, samples or not. */
function families(scrape: string): Set<string> {
  return new Set([...scrape.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}

describe('alert rules and dashboard, as written', () => {
  it('the PrometheusRule and the compose rules file hold the same groups', () => {
    expect(prometheusRule.kind).toBe('PrometheusRule');
    expect(prometheusRule.spec).toEqual(rulesFile);
  });

  it.each(rulesFile.groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)))(
    '%s is a well-formed alerting rule',
    (_name, rule) => {
      // What promtool's check rules refuses, without promtool: names, durations, severities.
      expect(rule.alert).toMatch(/^Keyway[A-Z][A-Za-z]+$/);
      expect(rule.expr.trim().length).toBeGreaterThan(0);
      expect(metricNames(rule.expr).length).toBeGreaterThan(0);
      expect(rule.for ?? '0s').toMatch(/^\d+[smhd]$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      // Balanced brackets: a cheap guard against a broken PromQL edit.
      for (const [open, close] of ['()', '[]', '{}']) {
        expect(rule.expr.split(open).length).toBe(rule.expr.split(close).length);
      }
    },
  );

  it('the issue asks for these alerts', () => {
    const exprs = rulesFile.groups.flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    expect(exprs).toContain('< 14 * 86400');
    expect(exprs).toContain('< 3 * 86400');
    expect(exprs).toContain('keyway_ca_certificate_renewal_failures_total');
    expect(exprs).toContain('keyway_xds_proxies_not_synced');
    expect(exprs).toContain('check="audit"');
  });
});

describe('telemetry scraped from a running suite', () => {
  let s: WalkthroughSuite;
  const exported = new Map<string, string>();

  beforeAll(async () => {
    s = await startWalkthroughSuite();
    // One issuance through the ca and one credential through the secret-watcher.
    const issued = await s.keyway(['cert', 'issue', 'metrics.example.com', '--out', 'metrics']);
    expect(issued.stderr).toBe('');
    const dir = path.join('metrics', '3_application');
    const created = await s.keyway([
      'create',
      '-n',
      'istio-system',
      'secret',
      'generic',
      'metrics-credential',
      `--from-file=cert=${path.join(dir, 'certs', 'metrics.example.com.cert.pem')}`,
      `--from-file=key=${path.join(dir, 'private', 'metrics.example.com.key.pem')}`,
    ]);
    expect(created).toMatchObject({ code: 0 });
    const { ports } = s.suite;
    const targets = {
      ca: ports.caOps,
      'secret-watcher': ports.secretWatcherOps,
      'route-compiler': ports.routeCompilerOps,
      'sds-server': ports.sdsOps,
      api: ports.apiOps,
    };
    await waitFor(
      async () => {
        for (const [service, port] of Object.entries(targets)) {
          exported.set(service, await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
        }
        return exported.get('secret-watcher')!.includes('name="metrics-credential"');
      },
      { timeoutMs: 20_000, what: 'the credential in the secret-watcher metrics' },
    );
  }, 180_000);

  afterAll(async () => {
    await s?.stop();
  });

  it('the secret-watcher exports the served credential not-after and the versions recorded', () => {
    const sw = exported.get('secret-watcher')!;
    const line = sw
      .split('\n')
      .find(
        (l) =>
          l.startsWith('keyway_credential_not_after_timestamp_seconds{') && l.includes('metrics-credential'),
      );
    expect(line).toMatch(/namespace="istio-system",name="metrics-credential",source="api"/);
    const seconds = Number(line!.split(' ').pop());
    // `cert issue` makes a leaf of about 90 days (the walkthrough layout): the gauge is a real expiry.
    expect(seconds * 1000).toBeGreaterThan(Date.now() + 86_400_000);
    expect(sw).toMatch(
      /keyway_credential_versions_total\{action="created",source="api",service="secret-watcher"\} [1-9]/,
    );
    expect(sw).toContain('keyway_readiness_check_up{check="audit",service="secret-watcher"} 1');
  });

  it('the ca exports issuance and each issuer not-after', () => {
    const ca = exported.get('ca')!;
    expect(ca).toMatch(
      /keyway_ca_certificates_issued_total\{issuer="[^"]+",action="issue",service="ca"\} [1-9]/,
    );
    expect(ca).toMatch(/keyway_ca_issuer_not_after_timestamp_seconds\{issuer="[^"]+",service="ca"\} \d+/);
    expect(families(ca)).toContain('keyway_ca_issuance_refusals_total');
    expect(families(ca)).toContain('keyway_ca_certificate_renewal_failures_total');
  });

  it('every metric the alert rules and the dashboard read is exported by a running process', () => {
    const all = new Set([...exported.values()].flatMap((text) => [...families(text)]));
    const read = [
      ...rulesFile.groups.flatMap((g) => g.rules.map((r) => ({ where: r.alert, expr: r.expr }))),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
    ];
    const missing = read.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !all.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
