import { ipInRange, parseIpAddress, parseIpRange } from './ip-address.js';

function inRange(range: string, ip: string): boolean {
  const r = parseIpRange(range);
  const a = parseIpAddress(ip);
  if (!r.ok || !a) throw new Error(`bad fixture ${range} ${ip}`);
  return ipInRange(r.value, a);
}

describe('parseIpAddress', () => {
  it.each([
    ['10.0.0.1', 4, '10.0.0.1'],
    ['255.255.255.255', 4, '255.255.255.255'],
    ['::', 6, '::'],
    ['::1', 6, '::1'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', 6, '2001:0:0:1::1'],
    ['1:2:3:4:5:6:7:8', 6, '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', 6, '1:0:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', 6, '::ffff:a00:1'],
  ])('%s is IPv%s, canonical %s', (text, family, canonical) => {
    expect(parseIpAddress(text)).toMatchObject({ family, text: canonical });
  });

  it.each([
    '',
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1',
    '1.2.3.4.5',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    '10.0.0.1::',
    'example.com',
  ])('refuses %j', (text) => {
    expect(parseIpAddress(text)).toBeNull();
  });
});

describe('IP ranges', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.7', '192.168.1.7', true],
    ['192.168.1.7', '192.168.1.8', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['10.0.0.0/8', '::ffff:10.0.0.1', false],
    ['::/0', '10.0.0.1', false],
  ])('%s contains %s: %s', (range, ip, expected) => {
    expect(inRange(range, ip)).toBe(expected);
  });

  it.each([
    ['10.0.0.1/8', 'host bits are set (did you mean 10.0.0.0/8?)'],
    ['10.0.0.0/33', 'prefix length must be 0-32'],
    ['2001:db8::/129', 'prefix length must be 0-128'],
    ['10.0.0.0/8/1', 'is not an IP address or CIDR range'],
    ['10.0.0.0/08', 'prefix length'],
  ])('refuses %s', (range, why) => {
    const r = parseIpRange(range);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});
