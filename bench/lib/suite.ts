import fs from 'node:fs';
import { runProgram, startHermeticSuite, type ProgramResult } from '#keyway/testing';

export { runProgram };
export const startBenchSuite = () => startHermeticSuite('keyway-bench');

export async function mustRun(p: Promise<ProgramResult>, what: string): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** CPU seconds (user + system) a process and its threads have used, from /proc (100 ticks a second). */
export function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
