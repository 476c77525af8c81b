// @ts-expect-error: a plain .mjs script, no declarations
import { writeComposeEnv } from '../../scripts/compose-env.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { BUS_USERS, natsPasswordVariable, type BusUser } from '#keyway/contracts';
import {
  commandOf,
  environmentOf,
  interpolate,
  parseVolume,
  readCompose,
  strings,
  COMPOSE_FILE,
} from './lib/compose.js';
import { BOOTSTRAPS, readBootstrap } from './lib/bootstrap.js';
import { bootstrapRoot } from './lib/envoy-root.js';
import { exists, readText, readYamlDocuments } from './lib/repo.js';

const compose = readCompose();
const services = compose.services;
const KEYWAY_SERVICES = ['ca', 'secret-watcher', 'route-compiler', 'sds-server', 'api'];
const INFRA = ['nats', 'postgres'];

const MONITORING = ['prometheus', 'grafana'];

describe('docker-compose.yml', () => {
  it('parses with unique keys and has the infrastructure, every keyway service, Envoy and the samples', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        ...INFRA,
        ...KEYWAY_SERVICES,
        'pki',
        'migrate',
        'envoy',
        'httpbin',
        'helloworld-v1',
        'console-files',
        'console',
        'certbot',
        ...MONITORING,
      ].sort(),
    );
  });

  it('the ACME example (certbot) starts only with the acme profile and asks the api, with EAB', () => {
    const certbot = services.certbot;
    expect(certbot.profiles).toEqual(['acme']);
    const args = strings(certbot.command).map((s) => s.value);
    expect(args).toEqual(expect.arrayContaining(['certonly', '--standalone', '--domain=app.acme.example']));
    expect(args.find((a) => a.startsWith('--server='))).toMatch(
      /^--server=http:\/\/api:8081\/acme\/.+\/directory$/,
    );
    expect(args.some((a) => a.startsWith('--eab-kid='))).toBe(true);
    expect(args.some((a) => a.startsWith('--eab-hmac-key='))).toBe(true);
    expect(environmentOf(services.api).ACME_REQUIRE_EAB).toBe('true');
  });

  it('Prometheus and Grafana start only with the monitoring profile, and scrape every ops port', () => {
    for (const name of MONITORING)
      expect({ name, profiles: services[name].profiles }).toEqual({ name, profiles: ['monitoring'] });
    const prometheus = parse(readText('deploy/monitoring/prometheus.yml')) as any;
    const targets: string[] = prometheus.scrape_configs.flatMap((c: any) =>
      c.static_configs.flatMap((t: any) => t.targets),
    );
    for (const name of KEYWAY_SERVICES) {
      const env = environmentOf(services[name]);
      const opsPort = env.OPS_PORT ?? env.HTTP_PORT;
      expect(targets).toContain(`${name}:${opsPort}`);
    }
  });

  it('keys, passwords and the admin token have no fallback: compose requires them, and compose-env.mjs writes each', () => {
    const unset = strings(compose).flatMap((s) => interpolate(s.value).unset.map((v) => `${s.path}: ${v}`));
    expect(unset).toEqual([]);
    const required = new Set([
      ...strings(compose).flatMap((s) => interpolate(s.value).required),
      // Secrets compose mounts from the environment (a file each, under /run/secrets).
      ...Object.values(compose.secrets ?? {}).flatMap((s) => (s.environment ? [s.environment] : [])),
    ]);
    expect([...required].sort()).toEqual([
      'KEYWAY_ADMIN_TOKEN',
      'KEYWAY_AUDIT_CHECKPOINT_KEY',
      'KEYWAY_CA_MASTER_KEYS',
      'KEYWAY_DATA_KEYS',
      'KEYWAY_DB_API_PASSWORD',
      'KEYWAY_DB_CA_PASSWORD',
      'KEYWAY_DB_ROUTE_COMPILER_PASSWORD',
      'KEYWAY_DB_SECRET_WATCHER_PASSWORD',
      'KEYWAY_NATS_API_PASSWORD',
      'KEYWAY_NATS_CA_PASSWORD',
      'KEYWAY_NATS_ROUTE_COMPILER_PASSWORD',
      'KEYWAY_NATS_SDS_SERVER_PASSWORD',
      'KEYWAY_NATS_SECRET_WATCHER_PASSWORD',
      'KEYWAY_POSTGRES_PASSWORD',
    ]);
    expect(readText('docker-compose.yml')).not.toMatch(/keyway-dev-|dev-1:|dev-ca-1:/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-compose-env-'));
    try {
      const file = path.join(dir, '.env');
      expect(writeComposeEnv(file).sort()).toEqual([...required].sort());
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const first = fs.readFileSync(file, 'utf8');
      expect(writeComposeEnv(file)).toEqual([]);
      expect(fs.readFileSync(file, 'utf8')).toBe(first);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keyway services share one image built from the Dockerfile, one command each', () => {
    const images = new Set([...KEYWAY_SERVICES, 'pki'].map((s) => services[s].image));
    expect(images.size).toBe(1);
    for (const name of KEYWAY_SERVICES) {
      expect(services[name].build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(commandOf(services[name])).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    }
  });

  it('the console serves the built files from the keyway image with nginx, proxying the api', () => {
    expect(services['console-files'].image).toBe(services.api.image);
    expect(commandOf(services['console-files'])).toEqual([
      'sh',
      '-c',
      'rm -rf /console/* && cp -R dist/console/. /console/',
    ]);
    expect(services.console.volumes).toEqual([
      'console-files:/usr/share/nginx/html/ui:ro',
      './deploy/console/nginx.conf:/etc/nginx/conf.d/default.conf:ro',
    ]);
    const port = environmentOf(services.api).HTTP_PORT;
    expect(readText('deploy/console/nginx.conf')).toMatch(
      new RegExp(`location /v1/ \\{\\s+proxy_pass http://api:${port};`),
    );
  });

  it('external images are pinned to a version tag', () => {
    for (const [name, s] of Object.entries(services)) {
      if (KEYWAY_SERVICES.includes(name) || ['pki', 'migrate', 'console-files'].includes(name)) continue;
      expect({ name, image: s.image }).toEqual({
        name,
        image: expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)*[\w.-]*$/),
      });
    }
  });

  it('NATS has JetStream on a volume and one user per service, each password from the environment', () => {
    const nats = services.nats;
    const conf = readText('deploy/nats/nats.conf');
    const mounts = (nats.volumes ?? []).map(parseVolume);
    const confMount = mounts.find((m) => commandOf(nats)[1].startsWith(m.target + '/'));
    expect(confMount?.source).toBe('./deploy/nats');
    const storeDir = /store_dir:\s*(\S+)/.exec(conf)?.[1];
    expect(storeDir).toBeDefined();
    const dataMount = mounts.find((m) => storeDir!.startsWith(m.target + '/'));
    expect(compose.volumes).toHaveProperty(dataMount!.source);
    expect(conf).toMatch(/^include \.\/authorization\.conf$/m);
    expect(Object.keys(environmentOf(nats)).sort()).toEqual(BUS_USERS.map(natsPasswordVariable).sort());
    // Each service logs in as its own user, with the password the server resolves for that user.
    for (const name of KEYWAY_SERVICES) {
      const env = environmentOf(services[name]);
      const variable = natsPasswordVariable(name as BusUser);
      expect({ name, user: env.NATS_USER }).toEqual({ name, user: name });
      expect(env.NATS_PASSWORD).toBe(environmentOf(nats)[variable]);
      expect(env.NATS_URL).toBe('nats://nats:4222');
    }
  });

  it('Postgres keeps its data on a volume; each service logs in as its own role, the migrate job as the owner', () => {
    const pg = services.postgres;
    const data = (pg.volumes ?? []).map(parseVolume).find((m) => m.target === '/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty(data!.source);
    const init = (pg.volumes ?? []).map(parseVolume).find((m) => m.target === '/docker-entrypoint-initdb.d');
    expect(init?.source).toBe('./deploy/postgres');
    const env = environmentOf(pg);
    const migrate = environmentOf(services.migrate);
    const owner = new URL(migrate.DATABASE_MIGRATION_URL!);
    expect([owner.hostname, owner.port, owner.username, owner.password, owner.pathname]).toEqual([
      'postgres',
      '5432',
      env.POSTGRES_USER,
      env.POSTGRES_PASSWORD,
      `/${env.POSTGRES_DB}`,
    ]);
    const withDatabase = KEYWAY_SERVICES.filter((name) => environmentOf(services[name]).DATABASE_URL);
    expect(withDatabase.sort()).toEqual(['api', 'ca', 'route-compiler', 'secret-watcher']);
    for (const name of withDatabase) {
      const serviceEnv = environmentOf(services[name]);
      const key = name.toUpperCase().replace(/-/g, '_');
      const u = new URL(serviceEnv.DATABASE_URL!);
      // The role deploy/postgres/10-keyway-roles.sh creates, with the password it gives it.
      expect([u.hostname, u.username, u.password, u.pathname]).toEqual([
        'postgres',
        `keyway_${key.toLowerCase()}`,
        env[`KEYWAY_DB_${key}_PASSWORD`],
        `/${env.POSTGRES_DB}`,
      ]);
      expect(serviceEnv.DATABASE_MIGRATIONS).toBe('verify');
      expect(serviceEnv.DATABASE_MIGRATION_URL).toBeUndefined();
      // The migrate job grants this role, and the service waits for it.
      expect(migrate[`${key}_DATABASE_URL`]).toBe(serviceEnv.DATABASE_URL);
      expect(commandOf(services.migrate).join(' ')).toContain(
        `DATABASE_URL="$$${key}_DATABASE_URL" node dist/apps/${name}/src/migrate.js`,
      );
      expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('healthchecks on the infrastructure, every keyway service and Envoy', () => {
    for (const name of [...INFRA, ...KEYWAY_SERVICES, 'envoy']) {
      const hc = services[name].healthcheck;
      expect({ name, test: hc?.test?.[0] }).toEqual({ name, test: 'CMD' });
      expect(hc!.test.length).toBeGreaterThan(1);
    }
  });

  it('depends_on uses conditions that the target can meet', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        const target = services[dep];
        expect({ name, dep, known: !!target }).toEqual({ name, dep, known: true });
        if (condition === 'service_healthy')
          expect({ name, dep, hc: !!target.healthcheck }).toEqual({ name, dep, hc: true });
        else if (condition === 'service_completed_successfully')
          expect({ name, dep, restart: target.restart }).toEqual({ name, dep, restart: 'no' });
        else
          throw new Error(
            `${name} -> ${dep}: condition ${condition}: use service_healthy or service_completed_successfully`,
          );
      }
    }
    for (const name of KEYWAY_SERVICES)
      expect(services[name].depends_on?.nats?.condition).toBe('service_healthy');
    expect(services.envoy.depends_on?.['sds-server']?.condition).toBe('service_healthy');
  });

  it('every keyway healthcheck asks /readyz on the port the service listens on', () => {
    for (const name of KEYWAY_SERVICES) {
      const test = services[name].healthcheck!.test.join(' ');
      const env = environmentOf(services[name]);
      const portVar = env.OPS_PORT !== undefined ? 'OPS_PORT' : 'HTTP_PORT';
      expect(test).toContain(`process.env.${portVar}`);
      expect(test).toContain('/readyz');
      expect(Number(env[portVar])).toBeGreaterThan(0);
    }
  });

  it('every keyway ops server listens on every interface, so /metrics can be scraped on the network', () => {
    for (const name of KEYWAY_SERVICES)
      expect({ name, OPS_HOST: environmentOf(services[name]).OPS_HOST }).toEqual({
        name,
        OPS_HOST: '0.0.0.0',
      });
  });

  it('named volumes are declared and bind mounts exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of (s.volumes ?? []).map(parseVolume)) {
        if (v.source.startsWith('./'))
          expect({ name, source: v.source, exists: exists(v.source) }).toEqual({
            name,
            source: v.source,
            exists: true,
          });
        else
          expect({ name, volume: v.source, declared: v.source in (compose.volumes ?? {}) }).toEqual({
            name,
            volume: v.source,
            declared: true,
          });
      }
    }
  });

  it('Envoy runs the compose bootstrap, with the PKI where the bootstrap reads it', () => {
    const envoy = services.envoy;
    expect(envoy.image).toMatch(/^envoyproxy\/envoy:v\d+\.\d+\.\d+$/);
    const cmd = commandOf(envoy);
    const bootstrapPath = cmd[cmd.indexOf('-c') + 1];
    const mounts = (envoy.volumes ?? []).map(parseVolume);
    expect(mounts.find((m) => m.target === bootstrapPath)?.source).toBe(`./${BOOTSTRAPS[0].file}`);
    expect(mounts.find((m) => m.target === BOOTSTRAPS[0].pkiDir)).toMatchObject({
      source: 'pki',
      readOnly: true,
    });
    // The bootstrap's node id carries the address compose gives the container.
    const { json } = readBootstrap(BOOTSTRAPS[0].file, bootstrapRoot());
    const ip = String((json.node as any).id).split('~')[1];
    expect((envoy.networks as any).keyway.ipv4_address).toBe(ip);
    expect(envoy.ports).toEqual(['127.0.0.1:8080:80', '127.0.0.1:8443:443']);
  });

  it("the sds-server's TLS files are the dev PKI's, mounted read-only, on the port Envoy dials", () => {
    const sds = services['sds-server'];
    const env = environmentOf(sds);
    const mount = (sds.volumes ?? []).map(parseVolume).find((m) => m.source === 'pki')!;
    expect(mount.readOnly).toBe(true);
    const script = readText('deploy/pki/dev-pki.sh');
    for (const v of ['XDS_TLS_CERT_FILE', 'XDS_TLS_KEY_FILE', 'XDS_CLIENT_CA_FILE']) {
      expect(path.posix.dirname(env[v])).toBe(mount.target);
      const file = path.posix.basename(env[v]);
      expect(script).toContain(file.replace(/\.(crt|key)$/, ''));
    }
    expect(env.XDS_HOST).toBe('0.0.0.0');
    expect(env.XDS_TLS_PORT).toBe('15012');
    // No token listener: Envoy authenticates with its client certificate only.
    expect(env.XDS_GRPC_PORT).toBe('off');
    expect(services.pki.volumes?.map(parseVolume)).toEqual([
      { source: 'pki', target: '/pki', readOnly: false },
    ]);
    expect(commandOf(services.pki)).toEqual(['sh', 'deploy/pki/dev-pki.sh', '/pki']);
  });

  it('the samples sit at the addresses their ServiceEntries name', () => {
    const entries = readYamlDocuments('deploy/compose/routing/samples.yaml') as any[];
    const subnet = compose.networks!.keyway.ipam.config[0].subnet as string;
    const prefix = subnet.split('.').slice(0, 3).join('.') + '.';
    for (const entry of entries) {
      const s = services[entry.metadata.name];
      const ip = (s.networks as any).keyway.ipv4_address;
      expect(ip.startsWith(prefix)).toBe(true);
      expect(entry.spec.endpoints.map((e: any) => e.address)).toEqual([ip]);
    }
    expect(entries.map((e) => [e.spec.hosts[0], e.spec.ports[0].number])).toEqual([
      ['httpbin.default.svc.cluster.local', 8000],
      ['helloworld-v1.default.svc.cluster.local', 5000],
    ]);
    const routing = services['route-compiler'];
    const mount = (routing.volumes ?? [])
      .map(parseVolume)
      .find((m) => m.source === './deploy/compose/routing')!;
    expect(environmentOf(routing).ROUTES_DIR).toBe(mount.target);
  });

  it('is the file docs/deploy.md tells people to run', () => {
    expect(readText('docs/deploy.md')).toContain('docker compose up');
    expect(exists(COMPOSE_FILE)).toBe(true);
  });
});
