import type { SourceName } from './config.js';

/** Orders sources by the configured precedence; unlisted sources come last. */
export class SourcePrecedence {
  constructor(private readonly order: readonly SourceName[]) {}

  rank(source: SourceName): number {
    const i = this.order.indexOf(source);
    return i < 0 ? this.order.length : i;
  }

  /** The winning source among those holding a Secret, and the ones it shadows. */
  pick<T extends { source: SourceName }>(entries: Iterable<T>): { winner?: T; losers: T[] } {
    const sorted = [...entries].sort((a, b) => this.rank(a.source) - this.rank(b.source));
    return { winner: sorted[0], losers: sorted.slice(1) };
  }
}
