import { execFileSync } from 'node:child_process';
import { completionScript } from './completion.js';

/** Asks real bash what it would offer after typing WORDS (the last one partial). */
function complete(words: string[]): string[] {
  const script = `${completionScript('bash')}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_keyway
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('keyway completion bash (run by bash)', () => {
  it.each([
    { words: ['keyway', 'ge'], offered: ['get'] },
    { words: ['keyway', 'get', 'virt'], offered: ['virtualservice', 'virtualservices'] },
    { words: ['keyway', '-n', 'team-a', 'get', 'gw'], offered: ['gw'] },
    { words: ['keyway', 'cert', ''], offered: ['issue', 'revoke'] },
    { words: ['keyway', 'get', 'secrets', '-o', 'w'], offered: ['wide'] },
    { words: ['keyway', 'get', '--all-n'], offered: ['--all-namespaces'] },
    { words: ['keyway', 'completion', ''], offered: ['bash', 'zsh'] },
  ])('$words -> $offered', ({ words, offered }) => {
    expect(complete(words)).toEqual(offered);
  });

  it('zsh loads the same function through bashcompinit', () => {
    const zsh = completionScript('zsh');
    expect(zsh.split('\n')[0]).toBe('#compdef keyway');
    expect(zsh).toContain('autoload -U +X bashcompinit && bashcompinit\n_keyway() {');
    expect(zsh).toContain(completionScript('bash').slice(completionScript('bash').indexOf('_keyway() {')));
  });
});
