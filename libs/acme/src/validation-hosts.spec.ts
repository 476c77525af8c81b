import { parseHostPort, parseValidationHosts, validationAddressOf } from './validation-hosts.js';

describe('ACME_VALIDATION_HOSTS', () => {
  const hosts = parseValidationHosts(
    'a.example.com=127.0.0.2, *.example.com=127.0.0.3,*.deep.example.com=::1',
  );
  it.each([
    ['a.example.com', '127.0.0.2'],
    ['A.Example.com', '127.0.0.2'],
    ['b.example.com', '127.0.0.3'],
    ['x.deep.example.com', '::1'],
    ['example.com', undefined],
    ['other.org', undefined],
  ])('%s -> %s', (name, address) => {
    expect(validationAddressOf(hosts, name)).toBe(address);
  });
  it('is empty when unset', () => {
    expect(parseValidationHosts(undefined)).toEqual([]);
    expect(parseValidationHosts(' ')).toEqual([]);
  });
  it.each([
    'a.example.com',
    'a.example.com=',
    'a.example.com=host.local',
    'bad name=127.0.0.1',
    'a=1.2.3.4=5',
  ])('refuses %j', (spec) => {
    expect(() => parseValidationHosts(spec)).toThrow();
  });
});

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
  ])('%s', (spec, want) => {
    expect(parseHostPort(spec, 53)).toEqual(want);
  });
  it.each(['dns.local:53', '127.0.0.1:0', '127.0.0.1:x'])('refuses %s', (spec) => {
    expect(() => parseHostPort(spec, 53)).toThrow();
  });
});
