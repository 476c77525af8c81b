import { execFileSync } from 'node:child_process';
import { runProgram, startHermeticSuite, type HermeticSuite, type ProgramResult } from '#keyway/testing';

// One place tests make certificates with openssl (libs/testing openssl-test-ca.ts).
export { selfSignedPair } from '#keyway/testing';

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

/** A PEM certificate's serial as openssl prints it, lowercase hex. */
export const serialOf = (pem: string): string =>
  execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem })
    .toString()
    .trim()
    .split('=')[1]
    .toLowerCase();
