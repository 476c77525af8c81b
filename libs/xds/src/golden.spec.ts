// Golden files per stage, in the style of Envoy Gateway's testdata. Each testdata/<case>.in.yaml
// (Istio resources and the proxy group, see golden-input.ts) has two outputs:
//   <case>.ir.json   Istio resources -> IR: the IrSnapshot with its statuses (buildIr, irToJson).
//   <case>.out.json  the whole pipeline, compileRoutes: decoded xDS resources, type versions, statuses.
// The IR -> xDS stage reads <case>.ir.json and must give the xDS part of <case>.out.json, so a change
// in libs/ir shows first as a diff in .ir.json, and one in libs/xds alone as a diff in .out.json.
// `npm run golden:update` (UPDATE_GOLDEN=1) rewrites every stage and deletes outputs whose input is
// gone; without it, an output without its input, or an input missing either output, fails.
// Kept in one file: jest runs a file's tests in order, so when updating, .ir.json is written before
// the IR -> xDS stage reads it (specs in separate files would run in parallel workers).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIr, irFromJson, irToJson } from '#keyway/ir';
import { checkEnvoyMessage } from '../../testing/src/envoy-validation/index.js';
import { readGoldenInput } from './testing/golden-input.js';
import { XDS_GOLDEN_KEYS, xdsGoldenOutput } from './testing/golden-output.js';
import { compileRoutes, SNAPSHOT_TYPE_URLS } from './route-compiler.js';
import { translateIr } from './translate-ir.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const updating = process.env.UPDATE_GOLDEN === '1';
const IR = '.ir.json';
const OUT = '.out.json';

/** Case names of the files in testdata ending with `suffix`, sorted. */
const casesWith = (suffix: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();

const cases = casesWith('.in.yaml');
const readInput = (name: string) =>
  readGoldenInput(fs.readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8'));
const readOutput = (name: string, suffix: string): string =>
  fs.readFileSync(path.join(dir, name + suffix), 'utf8');

/** With UPDATE_GOLDEN, writes `text` as the case's output first; either way, the output as parsed. */
function expectedOutput(name: string, suffix: string, text: string): unknown {
  if (updating) fs.writeFileSync(path.join(dir, name + suffix), text);
  return JSON.parse(readOutput(name, suffix));
}

function render(name: string): Record<string, unknown> {
  const { inputs, rejected } = readInput(name);
  const result = compileRoutes(inputs);
  const out = xdsGoldenOutput(result);
  out.statuses = result.statuses;
  if (rejected.length > 0) out.rejected = rejected;
  return out;
}

describe('route compiler golden files', () => {
  it('has an output for every input and an input for every output, for every stage', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const suffix of [IR, OUT]) {
      const outputs = casesWith(suffix);
      if (updating) {
        // Stale: the per-case tests below write the missing outputs, nothing would rewrite these.
        for (const name of outputs) if (!cases.includes(name)) fs.rmSync(path.join(dir, name + suffix));
        continue;
      }
      expect({ suffix, cases: outputs }).toEqual({ suffix, cases });
    }
  });

  it.each(cases)('%s', (name) => {
    const actual = render(name);
    expect(actual).toEqual(expectedOutput(name, OUT, JSON.stringify(actual, null, 2) + '\n'));
  });

  it.each(cases)('%s: every resource passes Envoy validation rules with no unknown fields', (name) => {
    const { inputs } = readInput(name);
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

describe('Istio resources -> IR golden files', () => {
  it.each(cases)('%s', (name) => {
    const { inputs } = readInput(name);
    const text = irToJson(buildIr(inputs, inputs.group));
    expect(JSON.parse(text)).toEqual(expectedOutput(name, IR, text));
  });
});

describe('IR -> xDS golden files', () => {
  it.each(cases)('%s: the xDS part of the whole-pipeline output, from the IR golden', (name) => {
    const actual = xdsGoldenOutput(translateIr(irFromJson(readOutput(name, IR))));
    const pipeline = JSON.parse(readOutput(name, OUT)) as Record<string, unknown>;
    const expected = Object.fromEntries(XDS_GOLDEN_KEYS.map((k) => [k, pipeline[k]]));
    expect(actual).toEqual(expected);
  });
});
