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

/** A canonical key of the criteria: two chains with the same key are ambiguous (Envoy rejects them). */
export function criteriaKey(c: FilterChainCriteria): string {
  return JSON.stringify([
    c.destinationPort ?? null,
    [...c.serverNames].map((s) => s.toLowerCase()).sort(),
    c.transportProtocol ?? '',
    [...c.applicationProtocols].sort(),
  ]);
}
