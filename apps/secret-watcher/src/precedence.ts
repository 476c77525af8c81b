import type { SourceName } from './config.js';

/**
 * Orders sources by the configured precedence (`SECRET_SOURCE_PRECEDENCE`); unlisted sources come
 * last. When several sources hold the same Secret, one copy is served and the others are kept, so
 * that removing the winner falls back to the next without the source having to send it again.
 */
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

/**
 * One warning per shadowed copy of `secret` (`<namespace>/<name>`). An apply to a losing source
 * succeeds but changes nothing served, which would surprise whoever applied it; the warning reaches
 * them in the API reply.
 */
export function shadowWarnings(
  secret: string,
  winner: { source: SourceName },
  losers: ReadonlyArray<{ source: SourceName }>,
): string[] {
  return losers.map(
    (loser) =>
      `Secret/${secret}: source ${loser.source} is shadowed by source ${winner.source}, which takes precedence`,
  );
}
