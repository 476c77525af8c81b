import { consoleAsset } from './console-files.js';

describe('consoleAsset: which built file answers a path under /ui', () => {
  it.each([
    ['/ui', 'index.html', 'no-cache'],
    ['/ui/', 'index.html', 'no-cache'],
    ['/ui/credentials', 'index.html', 'no-cache'],
    ['/ui/credential/payments/checkout-tls', 'index.html', 'no-cache'],
    ['/ui/index.html', 'index.html', 'no-cache'],
    ['/ui/assets/index-DjRxcFtN.js', 'assets/index-DjRxcFtN.js', 'public, max-age=31536000, immutable'],
    ['/ui/assets/index-Dng_bkn9.css', 'assets/index-Dng_bkn9.css', 'public, max-age=31536000, immutable'],
  ])('%s -> %s', (path, file, cacheControl) => {
    expect(consoleAsset(path)).toMatchObject({ file, cacheControl });
  });

  it('gives each served file its content type', () => {
    expect(consoleAsset('/ui/assets/a.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(consoleAsset('/ui/assets/a.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(consoleAsset('/ui')?.contentType).toBe('text/html; charset=utf-8');
  });

  it.each([
    ['outside /ui', '/v1/proxies'],
    ['a prefix that is not the folder', '/uiassets/a.js'],
    ['a parent segment', '/ui/../package.json'],
    ['an encoded parent segment', '/ui/%2e%2e/package.json'],
    ['a dot file', '/ui/.env'],
    ['an empty segment', '/ui/assets//a.js'],
    ['a backslash', '/ui/assets\\a.js'],
    ['an extension never emitted', '/ui/assets/a.map'],
    ['a server file', '/ui/main.mjs'],
    ['a path over 200 characters', `/ui/${'a'.repeat(200)}`],
  ])('serves nothing for %s', (_why, path) => {
    expect(consoleAsset(path)).toBeUndefined();
  });
});
