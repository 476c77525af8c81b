import http from 'node:http';
import type { ClusterPlan } from '../model/cluster-plan.js';
import type { Endpoint } from '../model/endpoints.js';
import { Http2ConnectionPool } from './http2-upstream.js';

/** One cluster: its endpoints, keep-alive connection pools (HTTP/1.1, HTTP/2) and a round-robin cursor. */
export class UpstreamCluster {
  readonly agent: http.Agent;
  #http2?: Http2ConnectionPool;
  #endpoints: Endpoint[] = [];
  #cursor = 0;

  constructor(public plan: ClusterPlan) {
    this.agent = new http.Agent({
      keepAlive: true,
      maxFreeSockets: plan.maxIdlePerEndpoint,
      scheduling: 'lifo',
      timeout: 60_000,
    });
  }

  /** The HTTP/2 connections, made on first use (clusters whose protocol options ask for HTTP/2). */
  get http2(): Http2ConnectionPool {
    return (this.#http2 ??= new Http2ConnectionPool());
  }

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  setEndpoints(endpoints: Endpoint[]): void {
    this.#endpoints = endpoints;
    if (this.#cursor >= endpoints.length) this.#cursor = 0;
  }

  /** Round robin (or random, when the cluster asks for it); undefined without endpoints. */
  pick(random: () => number = Math.random): Endpoint | undefined {
    const list = this.#endpoints;
    if (list.length === 0) return undefined;
    if (this.plan.lbPolicy === 'RANDOM') return list[Math.floor(random() * list.length)];
    const endpoint = list[this.#cursor % list.length];
    this.#cursor = (this.#cursor + 1) % list.length;
    return endpoint;
  }

  /** Drops idle connections now; requests in flight finish, their sockets close when idle. */
  retire(): void {
    for (const sockets of Object.values(this.agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
    this.#http2?.retire();
  }

  destroy(): void {
    this.agent.destroy();
    this.#http2?.destroy();
  }
}

/** Clusters (CDS) joined with their endpoints (EDS, or inline for static and DNS clusters). */
export class Upstreams {
  readonly #clusters = new Map<string, UpstreamCluster>();

  get(name: string): UpstreamCluster | undefined {
    return this.#clusters.get(name);
  }

  names(): string[] {
    return [...this.#clusters.keys()].sort();
  }

  update(plans: ReadonlyMap<string, ClusterPlan>, assignments: ReadonlyMap<string, Endpoint[]>): void {
    for (const [name, cluster] of this.#clusters) {
      if (!plans.has(name)) {
        cluster.retire();
        this.#clusters.delete(name);
      }
    }
    for (const [name, plan] of plans) {
      let cluster = this.#clusters.get(name);
      if (!cluster) {
        cluster = new UpstreamCluster(plan);
        this.#clusters.set(name, cluster);
      }
      cluster.plan = plan;
      cluster.setEndpoints(
        plan.endpoints ?? (plan.edsServiceName ? (assignments.get(plan.edsServiceName) ?? []) : []),
      );
    }
  }

  destroy(): void {
    for (const c of this.#clusters.values()) c.destroy();
    this.#clusters.clear();
  }
}
