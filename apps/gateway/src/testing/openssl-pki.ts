import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PrivateKeyPem } from '#keyway/key-material';
import { OpensslTestCa } from '#keyway/testing';

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
 * Certificates for the gateway's tests in the shapes they use (chains as text, keys as PrivateKeyPem,
 * files for curl), from keyway's one openssl test CA (libs/testing openssl-test-ca.ts). Keys stay in
 * files and PrivateKeyPem values; nothing here prints them.
 */
export class TestPki {
  readonly #authorities = new Map<string, OpensslTestCa>();
  private constructor(readonly dir: string) {}

  static async create(): Promise<TestPki> {
    return new TestPki(await fs.mkdtemp(path.join(os.tmpdir(), 'keyway-gateway-pki-')));
  }

  async authority(name: string): Promise<TestAuthority> {
    const ca = new OpensslTestCa(name);
    this.#authorities.set(name, ca);
    return { name, certificate: ca.cert.toString('utf8'), certFile: ca.certFile, keyFile: ca.keyFile };
  }

  async issue(ca: TestAuthority, name: string, options: LeafOptions): Promise<IssuedCertificate> {
    const leaf = this.#ca(ca).issue({
      cn: name,
      san: options.sans.join(','),
      usage: options.usage === 'server' ? 'serverAuth' : 'clientAuth',
      keyType: options.keyType,
    });
    return {
      name,
      certificateChain: leaf.cert.toString('utf8'),
      privateKey: new PrivateKeyPem(leaf.key.toString('utf8')),
      certFile: leaf.file,
      keyFile: leaf.keyFile,
    };
  }

  /** Revokes a certificate in the authority's database; `crl()` then lists it. */
  async revoke(ca: TestAuthority, cert: IssuedCertificate): Promise<void> {
    this.#ca(ca).revoke(cert.certFile);
  }

  async crl(ca: TestAuthority): Promise<string> {
    return this.#ca(ca).crl().toString('utf8');
  }

  async writeFile(name: string, content: string): Promise<string> {
    const file = path.join(this.dir, name);
    await fs.writeFile(file, content);
    return file;
  }

  async cleanup(): Promise<void> {
    for (const ca of this.#authorities.values()) ca.remove();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  #ca(ca: TestAuthority): OpensslTestCa {
    const found = this.#authorities.get(ca.name);
    if (!found) throw new Error(`TestPki: no authority ${ca.name} made here`);
    return found;
  }
}
