import fs from 'node:fs';
import { readText } from './lib/repo.js';

/** nest-cli.json names every app (apps/X/src/main.ts) and every library (libs/X/src/index.ts), nothing else. */
describe('nest-cli.json', () => {
  const projects = (
    JSON.parse(readText('nest-cli.json')) as { projects: Record<string, { type: string; root: string }> }
  ).projects;
  const dirs = (parent: string, entry: string) =>
    fs
      .readdirSync(parent)
      .filter((d) => fs.existsSync(`${parent}/${d}/src/${entry}`))
      .sort();

  it('lists each app and library that exists, at its root', () => {
    const listed = (type: string) =>
      Object.entries(projects)
        .filter(([, p]) => p.type === type)
        .map(([name, p]) => `${name} ${p.root}`)
        .sort();
    expect(listed('application')).toEqual(dirs('apps', 'main.ts').map((d) => `${d} apps/${d}`));
    expect(listed('library')).toEqual(dirs('libs', 'index.ts').map((d) => `${d} libs/${d}`));
  });
});
