import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runProgram, startHermeticSuite, type HermeticSuite, type ProgramResult } from '#keyway/testing';

export type CommandResult = ProgramResult;
export type WalkthroughSuite = HermeticSuite;
export const run = runProgram;

/** The command's result when it exited 0; otherwise an error with its output. */
export function ok(r: CommandResult): CommandResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

export function startWalkthroughSuite(): Promise<WalkthroughSuite> {
  return startHermeticSuite('keyway-e2e');
}

/**
 * A self-signed EC certificate for `host` (also its SAN) valid `days` days, made by openssl in `dir`:
 * the PEMs (the key stays inside tests, never printed).
 */
export function selfSignedPair(dir: string, host: string, days = 30): { cert: string; key: string } {
  const base = path.join(dir, host.replace(/[^a-z0-9.-]/gi, '_'));
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
    ].concat([
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
  return { cert: fs.readFileSync(`${base}.crt`, 'utf8'), key: fs.readFileSync(`${base}.key`, 'utf8') };
}
