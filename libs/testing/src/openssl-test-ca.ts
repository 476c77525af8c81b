// Test-only: keyway's one throwaway CA built with the openssl CLI (`openssl req` and `openssl ca`:
// any SANs, validity in the past, EC or RSA keys, revocation and a CRL), so tests check keyway against
// certificates it did not make itself. Keys stay in the temporary directory and are never printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface IssuedPair {
  cert: Buffer;
  key: Buffer;
}

/** A leaf as files too, for clients that read them (curl's --cert and --key). */
export interface IssuedLeaf extends IssuedPair {
  /** The certificate's file (what `revoke` takes). */
  file: string;
  keyFile: string;
}

/** `openssl req` arguments for a new ECDSA P-256 key. */
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

export class OpensslTestCa {
  readonly dir: string;
  readonly cert: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
  #n = 0;

  constructor(readonly name: string) {
    this.dir = mkdtempSync(path.join(tmpdir(), `keyway-${name}-`));
    mkdirSync(path.join(this.dir, 'newcerts'));
    writeFileSync(path.join(this.dir, 'index.txt'), '');
    writeFileSync(path.join(this.dir, 'serial'), '1000\n');
    writeFileSync(path.join(this.dir, 'crlnumber'), '1000\n');
    writeFileSync(
      this.#file('openssl.cnf'),
      [
        '[ ca ]',
        'default_ca = keyway',
        '[ keyway ]',
        `dir = ${this.dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir/newcerts',
        'serial = $dir/serial',
        'crlnumber = $dir/crlnumber',
        'default_md = sha256',
        'default_crl_days = 2',
        'policy = any',
        'unique_subject = no',
        '[ any ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    this.#openssl([
      'req',
      '-x509',
      ...NEW_EC_KEY,
      '-nodes',
      '-keyout',
      this.#file('ca.key'),
      '-out',
      this.#file('ca.crt'),
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    this.certFile = this.#file('ca.crt');
    this.keyFile = this.#file('ca.key');
    this.cert = readFileSync(this.certFile);
  }

  #file(name: string): string {
    return path.join(this.dir, name);
  }

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /**
   * Issues a leaf; `san` like `URI:spiffe://...`, `IP:127.0.0.1` or several joined by commas;
   * `notBefore`/`notAfter` in openssl's YYYYMMDDHHMMSSZ (default: one day from now).
   */
  issue(options: {
    cn: string;
    san: string;
    usage: 'clientAuth' | 'serverAuth';
    notBefore?: string;
    notAfter?: string;
    keyType?: 'ec' | 'rsa';
  }): IssuedLeaf {
    const id = `leaf-${++this.#n}`;
    this.#openssl([
      'req',
      '-new',
      ...(options.keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : NEW_EC_KEY),
      '-nodes',
      '-keyout',
      this.#file(`${id}.key`),
      '-out',
      this.#file(`${id}.csr`),
      '-subj',
      `/CN=${options.cn}`,
    ]);
    writeFileSync(
      this.#file(`${id}.ext`),
      `[ v3 ]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${options.usage}\nsubjectAltName=${options.san}\n`,
    );
    const dates = options.notBefore
      ? ['-startdate', options.notBefore, '-enddate', options.notAfter!]
      : ['-days', '1'];
    this.#opensslCa([
      '-batch',
      '-in',
      this.#file(`${id}.csr`),
      '-out',
      this.#file(`${id}.crt`),
      '-notext',
      '-extfile',
      this.#file(`${id}.ext`),
      '-extensions',
      'v3',
      ...dates,
    ]);
    return {
      cert: readFileSync(this.#file(`${id}.crt`)),
      key: readFileSync(this.#file(`${id}.key`)),
      file: this.#file(`${id}.crt`),
      keyFile: this.#file(`${id}.key`),
    };
  }

  revoke(certFile: string): void {
    this.#opensslCa(['-revoke', certFile]);
  }

  crl(): Buffer {
    this.#opensslCa(['-gencrl', '-out', this.#file('ca.crl')]);
    return readFileSync(this.#file('ca.crl'));
  }

  /** `openssl ca` with this CA's config, certificate and key. */
  #opensslCa(args: string[]): void {
    this.#openssl([
      'ca',
      '-config',
      this.#file('openssl.cnf'),
      '-cert',
      this.#file('ca.crt'),
      '-keyfile',
      this.#file('ca.key'),
      ...args,
    ]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A self-signed EC certificate for `host` (also its SAN) valid `days` days, made by openssl in `dir`:
 * the PEMs (the key stays inside tests, never printed).
 */
export function selfSignedPair(dir: string, host: string, days = 30): { cert: string; key: string } {
  const base = path.join(dir, host.replace(/[^a-z0-9.-]/gi, '_'));
  execFileSync(
    'openssl',
    ['req', '-x509', ...NEW_EC_KEY, '-nodes', '-days', String(days)].concat([
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.crt`,
    ]),
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
}
