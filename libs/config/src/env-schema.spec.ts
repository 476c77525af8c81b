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

  it('records which variables each service reads', () => {
    expect([...declaredVariables().get('example')!]).toContain('DEBOUNCE_MS');
  });
});
