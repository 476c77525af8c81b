// The processes `npm start` runs, in start order. Each app's entry is its compiled main.js.
export const SERVICES = [
  {
    name: 'secret-watcher',
    entry: 'apps/secret-watcher/src/main.js',
    env: { SECRET_SOURCE_DIR: '.keyway/manifests' },
  },
  { name: 'ca', entry: 'apps/ca/src/main.js', env: {} },
  {
    name: 'route-compiler',
    entry: 'apps/route-compiler/src/main.js',
    env: { ROUTING_SOURCE_DIR: '.keyway/manifests' },
  },
  { name: 'sds-server', entry: 'apps/sds-server/src/main.js', env: {} },
  { name: 'api', entry: 'apps/api/src/main.js', env: {} },
  { name: 'gateway', entry: 'apps/gateway/src/main.js', env: {} },
];
