import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PrivateKeyPem } from '#keyway/key-material';

const run = promisify(execFile);

export interface IssuedCertificate {
  name: string;
  certificateChain: string;
  privateKey: PrivateKeyPem;
  /** Files for curl's --cert / --key / --cacert. */
  certFile: string;
  keyFile: string;
}

export interface TestAuthority {
  name: string;
  certificate: string;
  certFile: string;
  keyFile: string;
}

export interface LeafOptions {
  sans: string[];
  usage: 'server' | 'client';
  keyType?: 'ec' | 'rsa';
}

/**
 * Certificates for tests, made with the openssl CLI in a private temporary directory. Keys stay in
 * files and PrivateKeyPem values; nothing here prints them.
 */
export class TestPki {
  private constructor(readonly dir: string) {}

  static async create(): Promise<TestPki> {
    return new TestPki(await fs.mkdtemp(path.join(os.tmpdir(), 'keyway-gateway-pki-')));
  }

  async authority(name: string): Promise<TestAuthority> {
    const dir = path.join(this.dir, name);
    await fs.mkdir(dir, { recursive: true });
    const certFile = path.join(dir, 'ca.crt');
    const keyFile = path.join(dir, 'ca.key');
    await run('openssl', [
      'req',
      '-x509',
      ...newKey('ec'),
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await fs.writeFile(path.join(dir, 'index.txt'), '');
    await fs.writeFile(path.join(dir, 'crlnumber'), '1000\n');
    await fs.writeFile(
      path.join(dir, 'ca.cnf'),
      `[ ca ]\ndefault_ca = dflt\n[ dflt ]\ndatabase = ${path.join(dir, 'index.txt')}\ncrlnumber = ${path.join(dir, 'crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 1\n`,
    );
    return { name, certificate: await fs.readFile(certFile, 'utf8'), certFile, keyFile };
  }

  async issue(ca: TestAuthority, name: string, options: LeafOptions): Promise<IssuedCertificate> {
    const base = path.join(this.dir, ca.name, name);
    const keyFile = `${base}.key`;
    const certFile = `${base}.crt`;
    await run('openssl', [
      'req',
      ...newKey(options.keyType ?? 'ec'),
      '-keyout',
      keyFile,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=${name}`,
    ]);
    const ext = [
      `subjectAltName=${options.sans.join(',')}`,
      `extendedKeyUsage=${options.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      'basicConstraints=CA:FALSE',
    ].join('\n');
    await fs.writeFile(`${base}.ext`, ext + '\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      '1',
      '-extfile',
      `${base}.ext`,
    ]);
    return {
      name,
      certificateChain: await fs.readFile(certFile, 'utf8'),
      privateKey: new PrivateKeyPem(await fs.readFile(keyFile, 'utf8')),
      certFile,
      keyFile,
    };
  }

  /** Revokes a certificate in the authority's database; `crl()` then lists it. */
  async revoke(ca: TestAuthority, cert: IssuedCertificate): Promise<void> {
    await run('openssl', [
      'ca',
      '-config',
      this.#cnf(ca),
      '-keyfile',
      ca.keyFile,
      '-cert',
      ca.certFile,
      '-revoke',
      cert.certFile,
    ]);
  }

  async crl(ca: TestAuthority): Promise<string> {
    const out = path.join(this.dir, ca.name, `crl-${Date.now()}.pem`);
    await run('openssl', [
      'ca',
      '-config',
      this.#cnf(ca),
      '-keyfile',
      ca.keyFile,
      '-cert',
      ca.certFile,
      '-gencrl',
      '-out',
      out,
    ]);
    return fs.readFile(out, 'utf8');
  }

  async writeFile(name: string, content: string): Promise<string> {
    const file = path.join(this.dir, name);
    await fs.writeFile(file, content);
    return file;
  }

  cleanup(): Promise<void> {
    return fs.rm(this.dir, { recursive: true, force: true });
  }

  #cnf(ca: TestAuthority): string {
    return path.join(this.dir, ca.name, 'ca.cnf');
  }
}

function newKey(type: 'ec' | 'rsa'): string[] {
  return type === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
    : ['-newkey', 'rsa:2048', '-nodes'];
}
