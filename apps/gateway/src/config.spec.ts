import { ConfigError } from '#keyway/config';
import { gatewayConfig } from './config.js';

describe('gateway XDS_ADDRESS', () => {
  it.each(['127.0.0.1:15010', '10.0.0.1:15012,10.0.0.2:15012', 'dns:///sds-headless.keyway.svc:15012'])(
    'accepts %s',
    (XDS_ADDRESS) => expect(gatewayConfig.load({ XDS_ADDRESS }).XDS_ADDRESS).toBe(XDS_ADDRESS),
  );

  it('names the variable and the part that is wrong', () => {
    try {
      gatewayConfig.load({ XDS_ADDRESS: 'sds-a:15010,sds-b:15010' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([
        expect.objectContaining({
          variable: 'XDS_ADDRESS',
          message: expect.stringMatching(/several servers must be IPv4/),
        }),
      ]);
    }
  });
});
