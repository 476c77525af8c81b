import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMessage } from '#keyway/envoy-api';
import { checkEnvoyMessage } from '../../testing/src/envoy-validation/index.js';
import { readGoldenInput } from './golden-input.js';
import { compileRoutes, SNAPSHOT_TYPE_URLS } from './route-compiler.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const cases = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length))
  .sort();

function render(name: string): Record<string, unknown> {
  const { inputs, rejected } = readGoldenInput(fs.readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8'));
  const result = compileRoutes(inputs);
  const out: Record<string, unknown> = {};
  for (const t of SNAPSHOT_TYPE_URLS) {
    out[t] = Object.fromEntries(result.resources[t].map((r) => [r.name, decodeMessage(t, r.bytes)]));
  }
  out.versions = result.versions;
  out.statuses = result.statuses;
  if (rejected.length > 0) out.rejected = rejected;
  return out;
}

describe('route compiler golden files', () => {
  it('has an output for every input and an input for every output', () => {
    const outputs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.out.json'))
      .map((f) => f.slice(0, -'.out.json'.length))
      .sort();
    expect(cases.length).toBeGreaterThan(0);
    // When regenerating, the per-case tests below write the missing outputs.
    if (process.env.UPDATE_GOLDEN !== '1') expect(outputs).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const actual = render(name);
    const file = path.join(dir, `${name}.out.json`);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
    expect(actual).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });

  it.each(cases)('%s: every resource passes Envoy validation rules with no unknown fields', (name) => {
    const { inputs } = readGoldenInput(fs.readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8'));
    const result = compileRoutes(inputs);
    for (const t of SNAPSHOT_TYPE_URLS) {
      for (const r of result.resources[t]) {
        expect({ name: r.name, violations: checkEnvoyMessage(t, r.bytes) }).toEqual({
          name: r.name,
          violations: [],
        });
      }
    }
  });
});
