import fs from 'node:fs';
import { DEPLOYED, NOT_DEPLOYED } from './lib/service-env.js';
import { repoPath } from './lib/repo.js';

describe('every app is deployed or deliberately not', () => {
  it('apps/ holds exactly the deployed services and the listed exceptions', () => {
    const apps = fs
      .readdirSync(repoPath('apps'))
      .filter((d) => fs.statSync(repoPath('apps', d)).isDirectory());
    const unknown = apps.filter((a) => !DEPLOYED.includes(a) && !(a in NOT_DEPLOYED));
    expect(unknown).toEqual([]);
  });
});
