import { certificateUsage, keyType } from '#keyway/contracts';
import { KEY_TYPES, usagesOf } from './key-type.js';

describe('key types and usages', () => {
  it('names exactly the key types and usages of the NATS contracts', () => {
    expect([...KEY_TYPES]).toEqual(keyType.options);
    expect(certificateUsage.options.flatMap((u) => usagesOf(u))).toEqual([
      'server',
      'client',
      'server',
      'client',
    ]);
  });
});
