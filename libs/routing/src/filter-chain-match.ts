import { serverNameSpecificity } from './server-name.js';

/** The FilterChainMatch criteria keyway's gateway honours. */
export interface FilterChainCriteria {
  destinationPort?: number;
  serverNames: readonly string[];
  /** `tls` or `raw_buffer`; empty matches either. */
  transportProtocol?: string;
  applicationProtocols: readonly string[];
}

/** What is known about a connection after the TLS inspector looked at it. */
export interface ConnectionFacts {
  destinationPort: number;
  serverName?: string;
  transportProtocol: 'tls' | 'raw_buffer';
  applicationProtocols: readonly string[];
}

type Scorer<T> = (chain: T) => number;

/**
 * Envoy's filter chain selection, in its order: destination port, server name, transport
 * protocol, application protocols. At each step the most specific matching chains survive; chains
 * that leave the criterion empty survive only when no specific chain matched. Returns undefined
 * when nothing matches (the listener's default chain, if any, then applies).
 */
export function selectFilterChain<T extends { criteria: FilterChainCriteria }>(
  chains: readonly T[],
  facts: ConnectionFacts,
): T | undefined {
  const steps: Array<Scorer<T>> = [
    ({ criteria: c }) =>
      c.destinationPort === undefined ? 0 : c.destinationPort === facts.destinationPort ? 1 : -1,
    ({ criteria: c }) => {
      if (c.serverNames.length === 0) return 0;
      if (facts.serverName === undefined) return -1;
      let best = -1;
      for (const p of c.serverNames) best = Math.max(best, serverNameSpecificity(p, facts.serverName));
      return best < 0 ? -1 : best + 1;
    },
    ({ criteria: c }) =>
      !c.transportProtocol ? 0 : c.transportProtocol === facts.transportProtocol ? 1 : -1,
    ({ criteria: c }) =>
      c.applicationProtocols.length === 0
        ? 0
        : c.applicationProtocols.some((p) => facts.applicationProtocols.includes(p))
          ? 1
          : -1,
  ];
  let candidates = [...chains];
  for (const score of steps) {
    const scored = candidates.map((chain) => ({ chain, s: score(chain) })).filter((x) => x.s >= 0);
    if (scored.length === 0) return undefined;
    const best = Math.max(...scored.map((x) => x.s));
    candidates = scored.filter((x) => x.s === best).map((x) => x.chain);
  }
  return candidates[0];
}

export type FilterChainSelector<T> = (facts: ConnectionFacts) => T | undefined;

/**
 * `selectFilterChain` compiled once per listener, for the per-connection path. When the chains
 * match on server names only (what istiod and keyway's compiler write), the choice is a map lookup:
 * the exact name, then each `*.` suffix from the longest, then the first chain without names; among
 * chains listing the same name, the first in configuration order wins, as in `selectFilterChain`.
 * Any other criterion falls back to `selectFilterChain` itself.
 */
export function compileFilterChainSelector<T extends { criteria: FilterChainCriteria }>(
  chains: readonly T[],
): FilterChainSelector<T> {
  const namesOnly = chains.every(
    ({ criteria: c }) =>
      c.destinationPort === undefined && !c.transportProtocol && c.applicationProtocols.length === 0,
  );
  if (!namesOnly) {
    const frozen = [...chains];
    return (facts) => selectFilterChain(frozen, facts);
  }
  const exact = new Map<string, T>();
  const wildcard = new Map<string, T>();
  let unnamed: T | undefined;
  for (const chain of chains) {
    if (chain.criteria.serverNames.length === 0) unnamed ??= chain;
    for (const raw of chain.criteria.serverNames) {
      const name = raw.toLowerCase();
      const index = name.startsWith('*.') ? wildcard : exact;
      // `*.example.com` is keyed by `.example.com`: the suffix a longer name ends with.
      const key = index === wildcard ? name.slice(1) : name;
      if (!index.has(key)) index.set(key, chain);
    }
  }
  if (exact.size === 0 && wildcard.size === 0) return () => unnamed;
  return (facts) => {
    const sni = facts.serverName;
    if (sni === undefined) return unnamed;
    const name = sni.toLowerCase();
    const hit = exact.get(name);
    if (hit !== undefined) return hit;
    if (wildcard.size > 0) {
      // Longest suffix first; the wildcard must cover at least one character before the dot.
      for (let dot = name.indexOf('.', 1); dot > 0; dot = name.indexOf('.', dot + 1)) {
        const chain = wildcard.get(name.slice(dot));
        if (chain !== undefined) return chain;
      }
    }
    return unnamed;
  };
}

/** A canonical key of the criteria: two chains with the same key are ambiguous (Envoy rejects them). */
export function criteriaKey(c: FilterChainCriteria): string {
  return JSON.stringify([
    c.destinationPort ?? null,
    [...c.serverNames].map((s) => s.toLowerCase()).sort(),
    c.transportProtocol ?? '',
    [...c.applicationProtocols].sort(),
  ]);
}
