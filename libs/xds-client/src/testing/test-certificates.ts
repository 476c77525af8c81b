import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PrivateKeyPem } from '#keyway/key-material';

const run = promisify(execFile);

export interface TestIdentity {
  certificateChain: string;
  privateKey: PrivateKeyPem;
}

export interface TestCertificates {
  ca: string;
  server: TestIdentity;
  client: TestIdentity;
  cleanup(): Promise<void>;
}

/** A throwaway CA with a server (SAN `xds.test`, 127.0.0.1) and a client certificate, made with the openssl CLI. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyway-xds-pki-'));
  const at = (f: string) => path.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-subj',
    '/CN=xds-test-ca',
    '-days',
    '1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const leaf = async (name: string, ext: string): Promise<TestIdentity> => {
    await fs.writeFile(at(`${name}.ext`), ext);
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at(`${name}.crt`),
      '-days',
      '1',
      '-extfile',
      at(`${name}.ext`),
    ]);
    return {
      certificateChain: await fs.readFile(at(`${name}.crt`), 'utf8'),
      privateKey: new PrivateKeyPem(await fs.readFile(at(`${name}.key`), 'utf8')),
    };
  };
  const server = await leaf(
    'server',
    'subjectAltName=DNS:xds.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const client = await leaf(
    'client',
    'subjectAltName=URI:spiffe://cluster.local/ns/istio-system/sa/gateway\nextendedKeyUsage=clientAuth\n',
  );
  return {
    ca: await fs.readFile(at('ca.crt'), 'utf8'),
    server,
    client,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
