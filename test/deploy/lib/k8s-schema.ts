import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// The generated models only: the package's main entry pulls in its HTTP stack, which does not load
// on Node 20 (undici 8).
import * as models from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

/**
 * Kubernetes object validation against the OpenAPI-generated models that @kubernetes/client-node
 * ships (Kubernetes release-1.36 API): every field must exist in the model, have the model's type,
 * and every field the API marks required (non-optional in the generated .d.ts) must be present.
 */
export interface SchemaProblem {
  object: string;
  path: string;
  message: string;
}

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

const require = createRequire(import.meta.url);
const MODELS_DIR = path.join(
  path.dirname(require.resolve('@kubernetes/client-node/package.json')),
  'dist/gen/models',
);
const registry = models as unknown as Record<string, { getAttributeTypeMap?: () => Attribute[] }>;
const requiredCache = new Map<string, Set<string>>();

function attributes(typeName: string): Attribute[] | undefined {
  return registry[typeName]?.getAttributeTypeMap?.();
}

/** Required properties: the generated .d.ts declares them without `?`. Returned as wire names. */
function requiredFields(typeName: string): Set<string> {
  const cached = requiredCache.get(typeName);
  if (cached) return cached;
  const dts = fs.readFileSync(path.join(MODELS_DIR, `${typeName}.d.ts`), 'utf8');
  const byName = new Map((attributes(typeName) ?? []).map((a) => [a.name, a.baseName]));
  const required = new Set<string>();
  for (const m of dts.matchAll(/^ {4}'([^']+)'(\?)?:/gm)) {
    if (!m[2]) required.add(byName.get(m[1]) ?? m[1]);
  }
  requiredCache.set(typeName, required);
  return required;
}

/** `apps/v1` + `Deployment` -> `V1Deployment`; `autoscaling/v2` + HPA -> `V2HorizontalPodAutoscaler`. */
export function modelName(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.split('/').pop() ?? '';
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  return attributes(name) ? name : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateObject(obj: unknown, label: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (!isObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [{ object: label, path: '', message: 'not a Kubernetes object (apiVersion and kind)' }];
  }
  const model = modelName(obj.apiVersion, obj.kind);
  if (!model) return [{ object: label, path: '', message: `no schema for ${obj.apiVersion} ${obj.kind}` }];
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    problems.push({ object: label, path: 'metadata.name', message: 'is required' });
  }
  check(obj, model, '', label, problems);
  return problems;
}

function check(value: unknown, type: string, at: string, label: string, problems: SchemaProblem[]): void {
  const fail = (message: string) => problems.push({ object: label, path: at || '(root)', message });
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return void fail(`expected a list of ${array[1]}`);
    value.forEach((v, i) => check(v, array[1], `${at}[${i}]`, label, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (!isObject(value)) return void fail(`expected a map of ${map[1]}`);
    for (const [k, v] of Object.entries(value)) check(v, map[1], `${at}.${k}`, label, problems);
    return;
  }
  switch (type) {
    case 'string':
    case 'Date':
      if (typeof value !== 'string') fail(`expected a string, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') fail(`expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) fail('expected an integer or a string');
      return;
    case 'any':
    case 'object':
      return;
  }
  const attrs = attributes(type);
  if (!attrs) return void fail(`schema type ${type} unknown to the validator`);
  if (!isObject(value)) return void fail(`expected an object (${type})`);
  const byWire = new Map(attrs.map((a) => [a.baseName, a]));
  for (const [key, v] of Object.entries(value)) {
    const attr = byWire.get(key);
    const sub = at ? `${at}.${key}` : key;
    if (!attr) {
      problems.push({ object: label, path: sub, message: `unknown field of ${type}` });
      continue;
    }
    if (v === null) continue;
    check(v, attr.type, sub, label, problems);
  }
  for (const req of requiredFields(type)) {
    if (value[req] === undefined) {
      problems.push({ object: label, path: at ? `${at}.${req}` : req, message: `is required (${type})` });
    }
  }
}
