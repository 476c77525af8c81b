import { applySteps, eachBounded, type ApplyDocument } from './apply-steps.js';

const s = (object: string): ApplyDocument => ({ plural: 'secrets', object });
const g = (object: string): ApplyDocument => ({ plural: 'gateways', object });

describe('applySteps', () => {
  it.each<[string, ApplyDocument[], number[][]]>([
    ['nothing', [], []],
    ['consecutive Secrets together', [s('a/x'), s('a/y'), s('b/x')], [[0, 1, 2]]],
    ['a Gateway after its Secrets, alone', [s('a/x'), s('a/y'), g('a/gw'), s('a/z')], [[0, 1], [2], [3]]],
    ['every other kind one at a time, in order', [g('a/1'), g('a/2')], [[0], [1]]],
    [
      'a Secret named twice starts a new step',
      [s('a/x'), s('a/y'), s('a/x'), s('a/z')],
      [
        [0, 1],
        [2, 3],
      ],
    ],
    [
      'a kind keyway does not manage stays in place',
      [s('a/x'), { object: 'a/q' }, s('a/y')],
      [[0], [1], [2]],
    ],
  ])('%s', (_, documents, steps) => {
    expect(applySteps(documents)).toEqual(steps);
  });

  it('covers every document exactly once, in order within the steps', () => {
    const docs = Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? g(`n/${i}`) : s(`n/${i % 11}`)));
    expect(applySteps(docs).flat()).toEqual(docs.map((_, i) => i));
  });
});

describe('eachBounded', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachBounded([...Array(20).keys()], 4, async (i) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, i % 3));
      running -= 1;
      done.push(i);
    });
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});
