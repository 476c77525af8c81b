import { runProgram, startHermeticSuite, type HermeticSuite, type ProgramResult } from '#keyway/testing';

export type CommandResult = ProgramResult;
export type WalkthroughSuite = HermeticSuite;
export const run = runProgram;

export function startWalkthroughSuite(): Promise<WalkthroughSuite> {
  return startHermeticSuite('keyway-e2e');
}
