import { z } from 'zod';
import { defineConfig, Variables } from '#keyway/config';

export const samplesConfig = defineConfig('samples', {
  HTTPBIN_PORT: z.coerce.number().int().min(0).max(65535).default(18000),
  HELLOWORLD_PORT: z.coerce.number().int().min(0).max(65535).default(15001),
  /** Where the ServiceEntries that register the samples are written (the route-compiler's directory source). */
  SAMPLES_MANIFEST_FILE: z.string().optional(),
  LOG_LEVEL: Variables.LOG_LEVEL,
  LOG_FORMAT: Variables.LOG_FORMAT,
});
