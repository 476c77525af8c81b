import { adsTarget } from './ads-target.js';

describe('adsTarget', () => {
  it.each([
    ['127.0.0.1:15010', '127.0.0.1:15010'],
    ['sds.keyway.svc:15012', 'sds.keyway.svc:15012'],
    ['10.0.0.1:15010, 10.0.0.2:15010', 'ipv4:10.0.0.1:15010,10.0.0.2:15010'],
    ['dns:///sds-headless.keyway.svc:15012', 'dns:///sds-headless.keyway.svc:15012'],
  ])('%s -> %s', (spec, target) => expect(adsTarget(spec)).toBe(target));

  it.each([
    ['sds', 'is not host:port'],
    ['a.example:1,b.example:2', 'several servers must be IPv4'],
    ['127.0.0.1:1,', 'is not host:port'],
  ])('refuses %s', (spec, message) => expect(() => adsTarget(spec)).toThrow(message));
});
