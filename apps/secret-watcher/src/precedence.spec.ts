import { SourcePrecedence, shadowWarnings } from './precedence.js';

describe('source precedence', () => {
  const p = new SourcePrecedence(['kubernetes', 'api', 'directory']);
  it('picks the first listed source and reports the others', () => {
    const { winner, losers } = p.pick([
      { source: 'directory' as const },
      { source: 'kubernetes' as const },
      { source: 'api' as const },
    ]);
    expect(winner?.source).toBe('kubernetes');
    expect(losers.map((l) => l.source)).toEqual(['api', 'directory']);
  });

  it('ranks unlisted sources last', () => {
    expect(new SourcePrecedence(['api']).rank('kubernetes')).toBe(1);
  });

  it('has no winner for a Secret no source holds', () => {
    expect(p.pick([])).toEqual({ winner: undefined, losers: [] });
  });

  it('warns once per shadowed copy, naming the source that wins', () => {
    expect(
      shadowWarnings('ns/web', { source: 'kubernetes' }, [{ source: 'api' }, { source: 'directory' }]),
    ).toEqual([
      'Secret/ns/web: source api is shadowed by source kubernetes, which takes precedence',
      'Secret/ns/web: source directory is shadowed by source kubernetes, which takes precedence',
    ]);
  });
});
