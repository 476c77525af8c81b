import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { Variables } from './common-variables.js';
import { declaredVariables, defineConfig } from './env-schema.js';

const config = defineConfig('example', {
  NATS_URL: Variables.NATS_URL,
  DATABASE_URL: Variables.DATABASE_URL,
  HTTP_PORT: Variables.HTTP_PORT.default(9100),
  KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
  DEBOUNCE_MS: z.coerce.number().int().min(0).max(1000).default(50),
});

describe('config', () => {
  it('applies defaults and coerces', () => {
    const c = config.load({
      KEYWAY_DATA_KEYS: 'k1:' + Buffer.alloc(32).toString('base64'),
      DEBOUNCE_MS: '20',
    });
    expect(c).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', HTTP_PORT: 9100, DEBOUNCE_MS: 20 });
  });

  it('names every bad variable and what is wrong', () => {
    let error: unknown;
    try {
      config.load({ NATS_URL: 'http://x', HTTP_PORT: '70000', DEBOUNCE_MS: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DEBOUNCE_MS', 'HTTP_PORT', 'KEYWAY_DATA_KEYS', 'NATS_URL']);
    expect((error as Error).message).toMatch(/NATS_URL: must be a URL with scheme nats: or tls:/);
    expect((error as Error).message).toMatch(/KEYWAY_DATA_KEYS: is required/);
  });

  it('NATS_KV_REPLICAS: 1 by default, 1 to 5, nothing else', () => {
    const config = defineConfig('kv-test', { NATS_KV_REPLICAS: Variables.NATS_KV_REPLICAS });
    expect(config.load({}).NATS_KV_REPLICAS).toBe(1);
    expect(config.load({ NATS_KV_REPLICAS: '3' }).NATS_KV_REPLICAS).toBe(3);
    for (const bad of ['0', '6', '2.5', 'three']) {
      expect(() => config.load({ NATS_KV_REPLICAS: bad })).toThrow(/NATS_KV_REPLICAS/);
    }
  });

  it('OPS_HOST: loopback by default, any IP or host name, nothing else', () => {
    const ops = defineConfig('ops-example', { OPS_HOST: Variables.OPS_HOST });
    expect(ops.load({}).OPS_HOST).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'fd00::1', 'localhost', 'ops.keyway.svc'])
      expect(ops.load({ OPS_HOST: host }).OPS_HOST).toBe(host);
    for (const bad of ['0.0.0.0:9101', 'http://0.0.0.0', 'two words', '-leading.dash', 'a..b']) {
      expect(() => ops.load({ OPS_HOST: bad })).toThrow(
        /OPS_HOST: must be an IP address \(0\.0\.0\.0: every interface\) or a host name/,
      );
    }
  });

  it('a cross-variable check runs after parsing and names every variable it blames', () => {
    const listeners = defineConfig(
      'check-example',
      { A_PORT: Variables.port.optional(), B_FILE: z.string().optional() },
      (c) =>
        c.A_PORT === undefined && c.B_FILE === undefined
          ? [
              { variable: 'A_PORT', message: 'unset, and B_FILE too: nothing to serve' },
              { variable: 'B_FILE', message: 'unset, and A_PORT too: nothing to serve' },
            ]
          : [],
    );
    expect(listeners.load({ A_PORT: '1' })).toEqual({ A_PORT: 1, B_FILE: undefined });
    let error: unknown;
    try {
      listeners.load({});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['A_PORT', 'B_FILE']);
    // A variable that does not parse is reported alone: the check never sees half-parsed values.
    expect(() => listeners.load({ A_PORT: 'x' })).toThrow(/A_PORT: (?!.*B_FILE)/s);
  });

  it('records which variables each service reads', () => {
    expect([...declaredVariables().get('example')!]).toContain('DEBOUNCE_MS');
  });

  it('refuses a renamed variable that is still set, naming the new one', () => {
    const renamed = defineConfig('renamed-test', { OPS_PORT: Variables.OPS_PORT.default(9100) }, undefined, {
      HTTP_PORT: 'OPS_PORT',
    });
    expect(renamed.load({}).OPS_PORT).toBe(9100);
    expect(renamed.load({ OPS_PORT: '9200', HTTP_PORT: '' }).OPS_PORT).toBe(9200);
    expect(() => renamed.load({ HTTP_PORT: '9101' })).toThrow(
      /HTTP_PORT: was renamed OPS_PORT: set OPS_PORT instead/,
    );
    expect(renamed.variables).toEqual(['OPS_PORT']);
  });
});
