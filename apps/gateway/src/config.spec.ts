import os from 'node:os';
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

describe('gateway GATEWAY_WORKERS', () => {
  it('runs one data plane worker per CPU by default', () => {
    expect(gatewayConfig.load({}).GATEWAY_WORKERS).toBe(os.availableParallelism());
  });

  it.each([
    ['1', 1],
    ['2', 2],
    ['16', 16],
  ])('accepts %s', (GATEWAY_WORKERS, workers) =>
    expect(gatewayConfig.load({ GATEWAY_WORKERS }).GATEWAY_WORKERS).toBe(workers),
  );

  it.each([
    ['0', /at least 1/],
    ['-2', /at least 1/],
    ['1.5', /whole number/],
    ['two', /number/i],
    ['1000', /at most 256/],
  ])('refuses %s, naming the variable', (GATEWAY_WORKERS, message) => {
    try {
      gatewayConfig.load({ GATEWAY_WORKERS });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([
        expect.objectContaining({ variable: 'GATEWAY_WORKERS', message: expect.stringMatching(message) }),
      ]);
    }
  });
});

describe('gateway GATEWAY_SESSION_TICKET_ROTATION_SECONDS', () => {
  it('rotates ticket keys hourly by default and refuses a period under a minute', () => {
    expect(gatewayConfig.load({}).GATEWAY_SESSION_TICKET_ROTATION_SECONDS).toBe(3600);
    expect(() => gatewayConfig.load({ GATEWAY_SESSION_TICKET_ROTATION_SECONDS: '10' })).toThrow(ConfigError);
  });
});
