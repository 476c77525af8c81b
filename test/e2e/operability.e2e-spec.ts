/**
 * What a platform team asks every day, answered by the CLI against a running suite: apply prints the
 * api's warnings as kubectl does, and `-o wide` shows what the plain table hides.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startWalkthroughSuite, type WalkthroughSuite } from './support.js';

let s: WalkthroughSuite;

beforeAll(async () => {
  s = await startWalkthroughSuite();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

/** A self-signed certificate for HOST valid DAYS days, made by openssl in the suite's work folder. */
function selfSigned(host: string, days: number): { cert: string; key: string } {
  const cert = path.join(s.workDir, `${host}.crt`);
  const key = path.join(s.workDir, `${host}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      String(days),
    ].concat(['-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-keyout', key, '-out', cert]),
    { stdio: 'ignore' },
  );
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}

function secretYaml(namespace: string, name: string, pair: { cert: string; key: string }): string {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pair.cert)}
  tls.key: ${b64(pair.key)}
`;
}

describe('keyway apply prints what the api says', () => {
  it('a credential expiring within the warning window: applied, with a Warning on stderr', async () => {
    const applied = await s.keyway(
      ['apply', '-f', '-'],
      secretYaml('team-a', 'soon', selfSigned('soon.example.com', 5)),
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe('secret/soon created\n');
    expect(applied.stderr).toMatch(/^Warning: Secret\/team-a\/soon: .*expires/m);
  });

  it('a credential far from expiry: no warning', async () => {
    const applied = await s.keyway(
      ['apply', '-f', '-'],
      secretYaml('team-a', 'later', selfSigned('later.example.com', 300)),
    );
    expect(applied).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('keyway get -o wide', () => {
  it('adds serial, not-after, issuer, sources and hosts to the secrets table', async () => {
    const plain = await s.keyway(['get', 'secrets', '-n', 'team-a']);
    const wide = await s.keyway(['get', 'secrets', '-n', 'team-a', '-o', 'wide']);
    expect(plain.stdout.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    const [header, ...rows] = wide.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual([
      'NAME',
      'TYPE',
      'DATA',
      'AGE',
      'SERIAL',
      'NOT-AFTER',
      'ISSUER',
      'SOURCES',
      'HOSTS',
    ]);
    const later = rows.find((r) => r.startsWith('later '))!;
    expect(later).toMatch(/\b[0-9a-f]{8,}\b/);
    expect(later).toContain('CN=later.example.com');
    expect(later).toMatch(/\bapi\b/);
    expect(later).toContain('later.example.com');
  });
});
