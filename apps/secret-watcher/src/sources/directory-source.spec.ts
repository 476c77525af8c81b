import { isTemporaryFile } from './directory-source.js';

describe('directory source file filter', () => {
  it.each([
    '.httpbin.yaml.swp',
    '.#httpbin.yaml',
    '#httpbin.yaml#',
    'httpbin.yaml~',
    'httpbin.yaml.tmp',
    'httpbin.yaml.bak',
    '4913',
    'x.part',
  ])('never reads the temporary file %s', (f) => expect(isTemporaryFile(f)).toBe(true));

  it.each(['httpbin.yaml', 'helloworld-credential.yml', 'secrets.json'])('reads %s', (f) => {
    expect(isTemporaryFile(f)).toBe(false);
  });
});
