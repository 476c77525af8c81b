import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { createLogger } from '#keyway/observability';
import { samplesConfig } from './config.js';
import { sampleServiceEntries, startSamples } from './sample-servers.js';

const config = samplesConfig.load();
const logger = createLogger({ service: 'samples', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const samples = await startSamples({ httpbin: config.HTTPBIN_PORT, helloworld: config.HELLOWORLD_PORT });
for (const s of samples)
  logger.info({ sample: s.name, port: s.port }, `${s.name} listening on 127.0.0.1:${s.port}`);
if (config.SAMPLES_MANIFEST_FILE) {
  fs.mkdirSync(path.dirname(config.SAMPLES_MANIFEST_FILE), { recursive: true });
  const docs = sampleServiceEntries(samples).map((d) => YAML.stringify(d));
  fs.writeFileSync(config.SAMPLES_MANIFEST_FILE, docs.join('---\n'));
  logger.info({ file: config.SAMPLES_MANIFEST_FILE }, 'wrote the samples ServiceEntries');
}
const stop = async () => {
  await Promise.all(samples.map((s) => s.close()));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
