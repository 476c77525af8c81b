import { LOCAL_SERVER, resolveSettings, SettingsError } from './settings.js';

describe('resolveSettings', () => {
  it('defaults to the local suite and its admin token', () => {
    expect(resolveSettings({ flags: {}, env: {}, localAdminToken: 'local-admin\n' })).toEqual({
      server: LOCAL_SERVER,
      token: 'local-admin',
      tokenSource: '.keyway/admin-token',
    });
  });

  it('prefers flags, then environment, then ~/.keyway/config', () => {
    const configFile = {
      path: '/h/.keyway/config',
      text: 'server: https://file.example\ntoken: file-token\n',
    };
    expect(resolveSettings({ flags: {}, env: {}, configFile, localAdminToken: 'x' })).toMatchObject({
      server: 'https://file.example',
      token: 'file-token',
    });
    expect(
      resolveSettings({ flags: {}, env: { server: 'http://env:1', token: 'env-token' }, configFile }),
    ).toMatchObject({ server: 'http://env:1', token: 'env-token' });
    expect(
      resolveSettings({
        flags: { server: 'http://flag:2/', token: 'flag' },
        env: { server: 'http://env:1' },
        configFile,
      }),
    ).toMatchObject({ server: 'http://flag:2', token: 'flag', tokenSource: '--token' });
  });

  it('says which setting is wrong', () => {
    expect(() => resolveSettings({ flags: { server: 'ftp://x' }, env: {} })).toThrow(SettingsError);
    expect(() =>
      resolveSettings({ flags: {}, env: {}, configFile: { path: 'cfg', text: '- a\n- b\n' } }),
    ).toThrow('cfg: must be a mapping');
    expect(() =>
      resolveSettings({ flags: {}, env: {}, configFile: { path: 'cfg', text: 'token: 5\n' } }),
    ).toThrow('cfg: token: must be a string');
  });

  it('never sends the local admin token to a server that is not on this machine', () => {
    const remote = resolveSettings({
      flags: {},
      env: { server: 'https://keyway.example.com' },
      localAdminToken: 'admin-secret',
    });
    expect(remote.token).toBeUndefined();
    expect(remote.tokenSource).toBe('none');
    for (const server of ['http://127.0.0.1:8081', 'http://localhost:9', 'http://[::1]:8081']) {
      expect(resolveSettings({ flags: {}, env: { server }, localAdminToken: 'admin-secret' }).token).toBe(
        'admin-secret',
      );
    }
  });
});
