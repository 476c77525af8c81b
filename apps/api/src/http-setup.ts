import type { NestExpressApplication } from '@nestjs/platform-express';

export const MANIFEST_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

/** JSON and YAML bodies (manifests arrive as either), with a bound on their size. */
export function configureHttp(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: '4mb' });
  app.useBodyParser('text', { type: MANIFEST_TYPES, limit: '4mb' });
  app.disable('x-powered-by');
}
