import { idOf, podSpec, type K8sObject } from './k8s.js';

/**
 * Cross-object checks the API server would not make but a broken deployment shows: selectors that
 * match nothing, probes on ports that do not exist, references to missing ConfigMaps, Secrets,
 * ServiceAccounts or HPA targets, and RBAC wider than read-only. Each returns problems as text.
 */
export interface ClusterCheckOptions {
  /** `namespace/name` of Secrets created outside the manifests (docs/deploy.md lists them). */
  externalSecrets: string[];
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

const ns = (o: K8sObject) => o.metadata.namespace ?? '';
const find = (all: K8sObject[], kind: string, namespace: string, name: string) =>
  all.find((o) => o.kind === kind && ns(o) === namespace && o.metadata.name === name);
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function workloads(all: K8sObject[]): K8sObject[] {
  return all.filter((o) => podSpec(o) !== undefined);
}

export function checkNamespaces(all: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of all) {
    if (CLUSTER_SCOPED.has(o.kind)) {
      if (o.metadata.namespace) problems.push(`${idOf(o)}: cluster-scoped object has a namespace`);
    } else if (!o.metadata.namespace) {
      problems.push(`${idOf(o)}: namespaced object without metadata.namespace`);
    }
  }
  return problems;
}

function checkProbe(id: string, name: string, probe: any, ports: any[]): string[] {
  if (!probe) return [`${id}: ${name} missing`];
  const handlers = ['httpGet', 'exec', 'tcpSocket', 'grpc'].filter((h) => probe[h] !== undefined);
  if (handlers.length !== 1)
    return [`${id}: ${name} needs exactly one handler, has ${handlers.join(',') || 'none'}`];
  const problems: string[] = [];
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port !== undefined) {
    const known = ports.some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
    if (!known) problems.push(`${id}: ${name} port ${port} is not a container port`);
  }
  if (probe.httpGet && !String(probe.httpGet.path ?? '').startsWith('/')) {
    problems.push(`${id}: ${name} httpGet.path must start with /`);
  }
  if (probe.exec && !(probe.exec.command?.length > 0)) problems.push(`${id}: ${name} exec without command`);
  return problems;
}

function checkSecretRef(
  all: K8sObject[],
  opts: ClusterCheckOptions,
  namespace: string,
  name: string,
): boolean {
  return !!find(all, 'Secret', namespace, name) || opts.externalSecrets.includes(`${namespace}/${name}`);
}

export function checkWorkloads(all: K8sObject[], opts: ClusterCheckOptions): string[] {
  const problems: string[] = [];
  for (const w of workloads(all)) {
    const id = idOf(w);
    const spec = podSpec(w);
    const namespace = ns(w);
    if (!matches(w.spec.selector?.matchLabels, w.spec.template?.metadata?.labels)) {
      problems.push(`${id}: selector.matchLabels is empty or does not match the pod template labels`);
    }
    const sa = spec.serviceAccountName;
    if (sa && !find(all, 'ServiceAccount', namespace, sa))
      problems.push(`${id}: ServiceAccount ${sa} not found`);
    const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
    for (const v of volumes.values()) {
      if (v.configMap && !find(all, 'ConfigMap', namespace, v.configMap.name)) {
        problems.push(`${id}: volume ${v.name}: ConfigMap ${v.configMap.name} not found`);
      }
      if (v.secret && !checkSecretRef(all, opts, namespace, v.secret.secretName)) {
        problems.push(`${id}: volume ${v.name}: Secret ${v.secret.secretName} neither rendered nor external`);
      }
    }
    const claimTemplates = new Set((w.spec.volumeClaimTemplates ?? []).map((c: any) => c.metadata.name));
    const podSecurity = spec.securityContext ?? {};
    for (const c of spec.containers ?? []) {
      const cid = `${id}: container ${c.name}`;
      if (!/^[^:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(c.image ?? '') || /:latest$/.test(c.image)) {
        problems.push(`${cid}: image ${c.image} is not pinned to a tag or digest`);
      }
      const r = c.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory) {
        problems.push(`${cid}: resources need requests.cpu, requests.memory and limits.memory`);
      }
      const ports = c.ports ?? [];
      const names = ports.map((p: any) => p.name).filter(Boolean);
      if (new Set(names).size !== names.length) problems.push(`${cid}: duplicate port names`);
      for (const n of names) {
        if (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(n))
          problems.push(`${cid}: port name ${n} is not IANA_SVC_NAME`);
      }
      problems.push(...checkProbe(cid, 'readinessProbe', c.readinessProbe, ports));
      problems.push(...checkProbe(cid, 'livenessProbe', c.livenessProbe, ports));
      if (c.startupProbe) problems.push(...checkProbe(cid, 'startupProbe', c.startupProbe, ports));
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name) && !claimTemplates.has(m.name))
          problems.push(`${cid}: volumeMount ${m.name} has no volume`);
      }
      const envNames: string[] = [];
      for (const e of c.env ?? []) {
        if (envNames.includes(e.name)) problems.push(`${cid}: env ${e.name} set twice`);
        envNames.push(e.name);
        const sref = e.valueFrom?.secretKeyRef;
        if (sref && !checkSecretRef(all, opts, namespace, sref.name)) {
          problems.push(`${cid}: env ${e.name}: Secret ${sref.name} neither rendered nor external`);
        }
        const cref = e.valueFrom?.configMapKeyRef;
        if (cref && find(all, 'ConfigMap', namespace, cref.name)?.data?.[cref.key] === undefined) {
          problems.push(`${cid}: env ${e.name}: ConfigMap key ${cref.name}/${cref.key} not found`);
        }
        if (e.value === undefined && !e.valueFrom)
          problems.push(`${cid}: env ${e.name} has neither value nor valueFrom`);
      }
      // $(VAR) in command and args expands only variables the container declares.
      for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
        for (const m of String(arg).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (!envNames.includes(m[1])) problems.push(`${cid}: $(${m[1]}) in command/args is not in env`);
        }
      }
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false)
        problems.push(`${cid}: allowPrivilegeEscalation must be false`);
      if (!(sc.runAsNonRoot ?? podSecurity.runAsNonRoot)) problems.push(`${cid}: runAsNonRoot not set`);
      if (!sc.capabilities?.drop?.includes('ALL'))
        problems.push(`${cid}: capabilities.drop must include ALL`);
    }
  }
  return problems;
}

export function checkServices(all: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const s of all.filter((o) => o.kind === 'Service')) {
    const id = idOf(s);
    const targets = workloads(all).filter(
      (w) => ns(w) === ns(s) && matches(s.spec.selector, w.spec.template?.metadata?.labels),
    );
    if (targets.length === 0) {
      problems.push(`${id}: selector matches no workload`);
      continue;
    }
    const containerPorts = targets.flatMap((w) => podSpec(w).containers.flatMap((c: any) => c.ports ?? []));
    for (const p of s.spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const ok = containerPorts.some((cp: any) =>
        typeof target === 'string' ? cp.name === target : cp.containerPort === target,
      );
      if (!ok)
        problems.push(
          `${id}: port ${p.name ?? p.port} targets ${target}, which no selected container exposes`,
        );
    }
  }
  return problems;
}

export function checkDisruptionBudgets(all: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const pdb of all.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const id = idOf(pdb);
    const targets = workloads(all).filter(
      (w) => ns(w) === ns(pdb) && matches(pdb.spec.selector?.matchLabels, w.spec.template?.metadata?.labels),
    );
    if (targets.length !== 1) {
      problems.push(`${id}: selector matches ${targets.length} workloads, expected 1`);
      continue;
    }
    if ((pdb.spec.minAvailable === undefined) === (pdb.spec.maxUnavailable === undefined)) {
      problems.push(`${id}: set exactly one of minAvailable and maxUnavailable`);
    }
    const replicas = targets[0].spec.replicas ?? 1;
    if (typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable >= replicas) {
      problems.push(
        `${id}: minAvailable ${pdb.spec.minAvailable} with ${replicas} replica(s) blocks every drain`,
      );
    }
  }
  return problems;
}

export function checkAutoscalers(all: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const hpa of all.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const id = idOf(hpa);
    const ref = hpa.spec.scaleTargetRef;
    const target = find(all, ref.kind, ns(hpa), ref.name);
    if (!target) {
      problems.push(`${id}: scaleTargetRef ${ref.kind}/${ref.name} not found`);
      continue;
    }
    if (ref.apiVersion !== target.apiVersion)
      problems.push(`${id}: scaleTargetRef apiVersion ${ref.apiVersion}`);
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) problems.push(`${id}: minReplicas > maxReplicas`);
    for (const m of hpa.spec.metrics ?? []) {
      const resource = m.resource?.name;
      if (m.type === 'Resource' && m.resource?.target?.type === 'Utilization') {
        const missing = podSpec(target).containers.filter((c: any) => !c.resources?.requests?.[resource]);
        if (missing.length)
          problems.push(`${id}: ${resource} utilization needs ${resource} requests on every container`);
      }
    }
  }
  return problems;
}

export interface Grant {
  namespace: string; // '*' for a ClusterRole bound cluster-wide
  apiGroup: string;
  resource: string;
  verb: string;
}

/** What a ServiceAccount may do, flattened from the Roles and ClusterRoles bound to it. */
export function grantsOf(all: K8sObject[], namespace: string, serviceAccount: string): Grant[] {
  const grants: Grant[] = [];
  for (const b of all.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const bound = (b.subjects ?? []).some(
      (s: any) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === namespace,
    );
    if (!bound) continue;
    const role =
      b.roleRef.kind === 'Role'
        ? find(all, 'Role', ns(b), b.roleRef.name)
        : find(all, 'ClusterRole', '', b.roleRef.name);
    const where = b.kind === 'ClusterRoleBinding' ? '*' : ns(b);
    for (const rule of role?.rules ?? []) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) grants.push({ namespace: where, apiGroup, resource, verb });
        }
      }
    }
  }
  return grants;
}

export function checkRbac(all: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const b of all.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const id = idOf(b);
    const roleNs = b.roleRef.kind === 'Role' ? ns(b) : '';
    if (b.kind === 'ClusterRoleBinding' && b.roleRef.kind !== 'ClusterRole')
      problems.push(`${id}: roleRef must be a ClusterRole`);
    if (!find(all, b.roleRef.kind, roleNs, b.roleRef.name))
      problems.push(`${id}: roleRef ${b.roleRef.kind}/${b.roleRef.name} not found`);
    for (const s of b.subjects ?? []) {
      if (s.kind === 'ServiceAccount' && !find(all, 'ServiceAccount', s.namespace, s.name)) {
        problems.push(`${id}: subject ServiceAccount ${s.namespace}/${s.name} not found`);
      }
    }
  }
  for (const r of all.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
    for (const rule of r.rules ?? []) {
      for (const field of ['apiGroups', 'resources', 'verbs']) {
        if ((rule[field] ?? []).includes('*')) problems.push(`${idOf(r)}: wildcard in ${field}`);
      }
      for (const verb of rule.verbs ?? []) {
        if (!READ_VERBS.has(verb)) problems.push(`${idOf(r)}: verb ${verb} is not read-only`);
      }
      if (r.kind === 'ClusterRole' && (rule.resources ?? []).includes('secrets')) {
        problems.push(`${idOf(r)}: Secrets may only be granted per namespace (Role), not cluster-wide`);
      }
    }
  }
  return problems;
}

export function checkCluster(all: K8sObject[], opts: ClusterCheckOptions): string[] {
  const ids = all.map(idOf);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `${id}: defined twice`);
  return [
    ...duplicates,
    ...checkNamespaces(all),
    ...checkWorkloads(all, opts),
    ...checkServices(all),
    ...checkDisruptionBudgets(all),
    ...checkAutoscalers(all),
    ...checkRbac(all),
  ];
}
