import { UsageError } from './argv.js';
import { parseCommand } from './command.js';

describe('keyway acme eab', () => {
  it.each([
    [['acme', 'eab', 'create', '--team', 'web'], { verb: 'acme-eab-create', team: 'web' }],
    [['acme', 'eab', 'list'], { verb: 'acme-eab-list', team: undefined }],
    [['acme', 'eab', 'list', '--team=web'], { verb: 'acme-eab-list', team: 'web' }],
    [['acme', 'eab', 'revoke', 'kw-eab-1'], { verb: 'acme-eab-revoke', keyId: 'kw-eab-1' }],
  ])('%j', (argv, want) => {
    expect(parseCommand(argv)).toMatchObject(want);
  });

  it.each([
    [['acme', 'eab', 'create'], /--team is required/],
    [['acme', 'eab', 'revoke'], /KEY_ID is required/],
    [['acme', 'accounts'], /acme: use/],
    [['acme', 'eab', 'delete'], /acme eab: use/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
