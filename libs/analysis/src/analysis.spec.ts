import {
  ALL_FINDING_KINDS,
  conditionFindings,
  credentialFindings,
  formatFinding,
  hasErrors,
  sortFindings,
  valueAt,
  type Finding,
} from './index.js';

const gatewayManifest = {
  spec: { servers: [{ tls: { credentialName: 'web-cred' }, hosts: ['a.example.com', 'b.example.com'] }] },
};

describe('conditionFindings: compiler conditions as istioctl-style findings', () => {
  it.each([
    [
      'unknown-credential',
      'error',
      'spec.servers[0].tls.credentialName',
      'IST0101',
      'Error',
      'Referenced credentialName not found: "web-cred"',
    ],
    ['host-conflict', 'error', 'spec.servers[0].hosts', 'IST0145', 'Error', 'Conflict with gateways: taken'],
    [
      'no-matching-host',
      'warning',
      'spec.servers[0].hosts',
      'IST0132',
      'Warning',
      'one or more host(s) ["a.example.com","b.example.com"] defined in VirtualService ns/gw not found in its Gateways',
    ],
    ['invalid-regex', 'error', 'spec.x', 'KW0201', 'Error', 'taken'],
    [
      'host-owned-by-another-team',
      'error',
      'spec.servers[0].hosts[1]',
      'KW0205',
      'Error',
      'taken (host-owned-by-another-team)',
    ],
    ['something-new', 'warning', 'spec.x', 'KW0299', 'Warning', 'taken (something-new)'],
  ] as const)('%s', (code, severity, field, findingCode, findingSeverity, message) => {
    const [f] = conditionFindings(
      {
        resource: 'Gateway/ns/gw',
        accepted: false,
        conditions: [{ code, severity, field, message: 'taken' }],
      },
      gatewayManifest,
    );
    expect(f).toEqual({
      code: findingCode,
      name: expect.any(String),
      severity: findingSeverity,
      resource: 'Gateway/ns/gw',
      field,
      message,
    });
  });
});

describe('credentialFindings: the Secret validator as findings', () => {
  it.each([
    ['key-mismatch', 'KW0103'],
    ['chain-order', 'KW0104'],
    ['expired', 'KW0102'],
    ['pem-invalid', 'KW0105'],
  ])('%s is %s, an Error when the validator rejects', (code, findingCode) => {
    const [f] = credentialFindings('Secret/ns/s', {
      errors: [{ code, resource: 'Secret/ns/s', field: 'data.tls.crt', message: 'm' }],
      warnings: [],
    });
    expect(f).toMatchObject({ code: findingCode, severity: 'Error', field: 'data.tls.crt' });
  });

  it('a warning stays a warning', () => {
    const [f] = credentialFindings('Secret/ns/s', {
      errors: [],
      warnings: [{ code: 'expiring-soon', field: 'data.tls.crt', message: 'expires in 3 days' }],
    });
    expect(f).toMatchObject({ code: 'KW0101', severity: 'Warning', resource: 'Secret/ns/s' });
  });
});

describe('findings', () => {
  const f = (severity: Finding['severity'], resource: string, code = 'KW0299'): Finding => ({
    code,
    name: 'N',
    severity,
    resource,
    message: 'm',
  });

  it('sort errors first, then by resource; a finding seen twice is reported once', () => {
    const sorted = sortFindings([
      f('Info', 'A/x/a'),
      f('Warning', 'A/x/a'),
      f('Error', 'B/x/b'),
      f('Error', 'A/x/a'),
      f('Error', 'A/x/a'),
    ]);
    expect(sorted.map((x) => `${x.severity} ${x.resource}`)).toEqual([
      'Error A/x/a',
      'Error B/x/b',
      'Warning A/x/a',
      'Info A/x/a',
    ]);
    expect(hasErrors(sorted)).toBe(true);
    expect(hasErrors([f('Warning', 'A/x/a')])).toBe(false);
  });

  it("print as istioctl analyze's lines", () => {
    expect(
      formatFinding({ ...f('Error', 'Gateway/istio-system/gw', 'IST0101'), field: 'spec.selector' }),
    ).toBe('Error [IST0101] (Gateway istio-system/gw) spec.selector: m');
  });

  it('codes are unique and shaped as Istio or keyway codes', () => {
    const codes = ALL_FINDING_KINDS.map((k) => k.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^(IST|KW)\d{4}$/);
  });

  it('valueAt reads field paths as conditions spell them', () => {
    expect(valueAt(gatewayManifest, 'spec.servers[0].hosts[1]')).toBe('b.example.com');
    expect(valueAt(gatewayManifest, 'spec.servers[3].hosts')).toBeUndefined();
    expect(valueAt(gatewayManifest, 'spec.servers.x')).toBeUndefined();
  });
});
