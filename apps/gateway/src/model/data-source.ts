import type { FieldProblem } from './resource-error.js';

/** envoy.config.core.v3.DataSource as decoded. */
export interface DataSource {
  inline_string?: string;
  inline_bytes?: string;
  filename?: string;
  environment_variable?: string;
}

/**
 * The text of a DataSource. The gateway takes only what arrives over xDS (inline), never a path on
 * its own disk, so a control plane cannot make it read arbitrary files.
 */
export function dataSourceText(
  source: DataSource | undefined,
  field: string,
  problems: FieldProblem[],
): string | undefined {
  if (!source) return undefined;
  if (source.inline_string !== undefined) return source.inline_string;
  if (source.inline_bytes !== undefined) return Buffer.from(source.inline_bytes, 'base64').toString('utf8');
  problems.push({ field, message: 'only inline_string and inline_bytes are supported' });
  return undefined;
}
