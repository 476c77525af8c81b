// `npm start`: install (prestart), build, bring NATS and Postgres up (or reuse them), then run every
// keyway service as its own process with logs under .keyway/logs, the gateway and the walkthrough's
// sample upstreams. Ctrl-C stops everything it started.
import { build } from './build.mjs';

if (!build({ quiet: true })) process.exit(1);
const { ensureInfrastructure, provisionDatabaseRoles, startSuite, DEFAULT_PORTS } =
  await import('../dist/libs/infra/src/index.js');
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const say = (line) => console.log(`keyway: ${line}`);
// NATS and Postgres started here are restarted on their data if they exit on their own.
const infra = await ensureInfrastructure({
  natsUrl,
  databaseUrl,
  stateDir: '.keyway',
  report: say,
  supervise: true,
  // A NATS started here admits each service as its own user, with only its permissions.
  natsUsersPerService: true,
});

// Each service logs in to Postgres as its own role (DATABASE_URL's role owns and migrates the schemas).
const databaseRoles = await provisionDatabaseRoles(databaseUrl, 'keyway_local').catch((e) => {
  say(`Postgres: ${e.message}; the services log in as DATABASE_URL's role instead`);
  return undefined;
});
if (databaseRoles) say('Postgres: each service logs in as its own role (keyway_local_<service>)');

let suite;
let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  say('stopping');
  await suite?.stop().catch((e) => console.error(`keyway: ${e.message}`));
  await infra.stop().catch((e) => console.error(`keyway: ${e.message}`));
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  suite = await startSuite({
    natsUrl,
    databaseUrl,
    stateDir: '.keyway',
    ports: DEFAULT_PORTS,
    root: process.cwd(),
    report: say,
    supervise: true,
    natsUsers: infra.natsUsers,
    databaseRoles,
  });
} catch (e) {
  console.error(`keyway: the suite did not start: ${e.message}`);
  await stop(1);
}
// A service that exits on its own is restarted by the suite's supervisor (with backoff, reported
// above as it happens); only Ctrl-C stops the suite.
console.log(`
keyway is up. Logs: ${suite.logDir}

  Web console: ${suite.apiUrl}/ui/  (sign in with the admin token in .keyway/admin-token, or a team token)

  export INGRESS_HOST=127.0.0.1
  export SECURE_INGRESS_PORT=${suite.ports.gatewayHttps}
  export INGRESS_PORT=${suite.ports.gatewayHttp}

Next, in another terminal (the keyway CLI talks to this suite):
  npx keyway cert issue httpbin.example.com --out httpbin.example.com
  npx keyway create -n istio-system secret generic httpbin-credential \\
      --from-file=key=httpbin.example.com/3_application/private/httpbin.example.com.key.pem \\
      --from-file=cert=httpbin.example.com/3_application/certs/httpbin.example.com.cert.pem
  npx keyway apply -f docs/examples/httpbin-gateway.yaml
  curl -v -HHost:httpbin.example.com --resolve httpbin.example.com:$SECURE_INGRESS_PORT:$INGRESS_HOST \\
      --cacert httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem \\
      https://httpbin.example.com:$SECURE_INGRESS_PORT/status/418

Ctrl-C stops everything started here.`);
