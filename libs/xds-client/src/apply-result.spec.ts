import { combineApplyResults } from './apply-result.js';

describe('combineApplyResults', () => {
  const nack = (message: string) => ({ ok: false as const, message });

  it.each([
    ['every data plane applied it', [{ ok: true }, { ok: true }], { ok: true }],
    [
      'one refused it',
      [{ ok: true }, nack('Listener/a: address: cannot bind')],
      nack('Listener/a: address: cannot bind'),
    ],
    [
      'all refused it for the same reason (said once)',
      [nack('Secret/s: private_key: does not match'), nack('Secret/s: private_key: does not match')],
      nack('Secret/s: private_key: does not match'),
    ],
    ['different reasons, in order', [nack('b'), { ok: true }, nack('a'), nack('b')], nack('b; a')],
    ['nobody to apply it', [], nack('no data plane applied the update')],
  ] as const)('%s', (_, results, verdict) => {
    expect(combineApplyResults(results)).toEqual(verdict);
  });
});
