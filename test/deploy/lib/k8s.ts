import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exists, readYaml, readYamlDocuments, repoPath } from './repo.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
}

export const KUSTOMIZATIONS = [
  'k8s/base',
  'k8s/istio-crds',
  'k8s/overlays/local',
  'k8s/overlays/production',
  'k8s/monitoring',
  'k8s/acme-example',
];
export const OVERLAYS = ['k8s/overlays/local', 'k8s/overlays/production'];

export interface Kustomization {
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: unknown }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  [key: string]: unknown;
}
interface Generator {
  name: string;
  namespace?: string;
  behavior?: string;
  files?: string[];
  literals?: string[];
}

export function readKustomization(dir: string): Kustomization {
  return readYaml(path.posix.join(dir, 'kustomization.yaml')) as Kustomization;
}

/** Files a kustomization reads, repo-relative: resources (files only), patches, generator files. */
export function referencedFiles(dir: string): { kind: string; file: string }[] {
  const k = readKustomization(dir);
  const out: { kind: string; file: string }[] = [];
  for (const r of k.resources ?? [])
    out.push({ kind: 'resource', file: path.posix.normalize(`${dir}/${r}`) });
  for (const p of k.patches ?? [])
    if (p.path) out.push({ kind: 'patch', file: path.posix.join(dir, p.path) });
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    for (const f of g.files ?? []) {
      out.push({ kind: 'generator file', file: path.posix.join(dir, f.includes('=') ? f.split('=')[1] : f) });
    }
  }
  return out;
}

/** Objects of the resource files a kustomization lists directly (not of the directories it includes). */
export function directResources(dir: string): { file: string; object: K8sObject }[] {
  const out: { file: string; object: K8sObject }[] = [];
  for (const { kind, file } of referencedFiles(dir)) {
    if (kind !== 'resource' || !file.endsWith('.yaml')) continue;
    for (const object of readYamlDocuments(file)) out.push({ file, object: object as K8sObject });
  }
  return out;
}

export function isKustomizationDir(rel: string): boolean {
  return exists(path.posix.join(rel, 'kustomization.yaml'));
}

let kubectlAvailable: boolean | undefined;
/** kubectl bundles kustomize; without it the rendered checks are skipped, the raw ones still run. */
export function hasKubectl(): boolean {
  kubectlAvailable ??= spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  return kubectlAvailable;
}

export function render(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', repoPath(dir)], { encoding: 'utf8', stdio: 'pipe' });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject)
    .filter(Boolean);
}

export const idOf = (o: K8sObject) => `${o.kind}/${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;

/** Containers of a workload's pod template (Deployment, StatefulSet), or []. */
export function podSpec(o: K8sObject): any | undefined {
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)
    ? o.spec?.template?.spec
    : undefined;
}
