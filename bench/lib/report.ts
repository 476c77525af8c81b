import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchResult {
  name: string;
  /** Everything measured, as numbers with their unit in the key (e.g. `p99Ms`, `perSecond`). */
  figures: Record<string, unknown>;
  /** One line a person reads. */
  summary: string;
}

/** Writes bench/results/<name>.json and prints the one-line summary. */
export function reportBench(result: BenchResult): void {
  const dir = path.resolve('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const record = {
    ...result,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
  };
  fs.writeFileSync(path.join(dir, `${result.name}.json`), JSON.stringify(record, null, 2) + '\n');
  console.log(`${result.name}: ${result.summary}`);
}

/** Percentile over a sample (nearest rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
