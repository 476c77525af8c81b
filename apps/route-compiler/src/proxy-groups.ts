import { proxyGroupId, type ProxyRecord } from '#keyway/contracts';
import type { ProxyGroup } from '#keyway/ir';

export interface KnownGroup extends ProxyGroup {
  groupId: string;
}

/** Proxy groups (namespace + labels) of the connected proxies, from the proxies bucket. */
export class ProxyGroups {
  private readonly byProxy = new Map<string, KnownGroup>();

  /** Returns true if the set of groups changed. */
  put(key: string, record: ProxyRecord): boolean {
    const before = this.signature();
    const groupId = proxyGroupId(record.namespace, record.labels);
    this.byProxy.set(key, { groupId, namespace: record.namespace, labels: { ...record.labels } });
    return this.signature() !== before;
  }

  delete(key: string): boolean {
    const before = this.signature();
    this.byProxy.delete(key);
    return this.signature() !== before;
  }

  groups(): KnownGroup[] {
    const out = new Map<string, KnownGroup>();
    for (const g of this.byProxy.values()) out.set(g.groupId, g);
    return [...out.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  private signature(): string {
    return this.groups()
      .map((g) => g.groupId)
      .join(',');
  }
}
