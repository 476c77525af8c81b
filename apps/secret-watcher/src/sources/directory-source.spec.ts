import { isTemporaryFile } from './directory-source.js';
import { SourcePrecedence } from '../precedence.js';

describe('directory source file filter', () => {
  it.each([
    '.httpbin.yaml.swp',
    '.#httpbin.yaml',
    '#httpbin.yaml#',
    'httpbin.yaml~',
    'httpbin.yaml.tmp',
    'httpbin.yaml.bak',
    '4913',
    'x.part',
  ])('never reads the temporary file %s', (f) => expect(isTemporaryFile(f)).toBe(true));

  it.each(['httpbin.yaml', 'helloworld-credential.yml', 'secrets.json'])('reads %s', (f) => {
    expect(isTemporaryFile(f)).toBe(false);
  });
});

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
});
