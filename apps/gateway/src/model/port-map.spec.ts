import { localRedirectLocation, parsePortMap } from './port-map.js';

describe('local redirect locations', () => {
  const map = parsePortMap('443:8443,80:8080');
  it.each([
    { location: 'https://a.example.com/status/418?x=1', local: 'https://a.example.com:8443/status/418?x=1' },
    { location: 'http://a.example.com/', local: 'http://a.example.com:8080/' },
    { location: 'https://a.example.com:9443/x', local: 'https://a.example.com:9443/x' },
    { location: 'https://[::1]/x', local: 'https://[::1]:8443/x' },
    { location: 'https://[::1]:9443/x', local: 'https://[::1]:9443/x' },
    { location: '/relative', local: '/relative' },
  ])('$location -> $local', ({ location, local }) => {
    expect(localRedirectLocation(map, location)).toBe(local);
  });

  it('without a mapping (Envoy on 443) the location is kept', () => {
    expect(localRedirectLocation(parsePortMap(''), 'https://a.example.com/x')).toBe(
      'https://a.example.com/x',
    );
  });
});
