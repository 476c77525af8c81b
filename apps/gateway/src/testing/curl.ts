import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CurlResult {
  /** curl's exit code: 0, or e.g. 35 (TLS handshake), 56 (receive failure). */
  exitCode: number;
  status: number;
  httpVersion: string;
  headers: Record<string, string>;
  body: string;
  /** curl -v trace lines (TLS handshake steps), never key material. */
  trace: string;
}

export interface CurlOptions {
  /** Host name for SNI and Host; resolved to 127.0.0.1 with --resolve. */
  host: string;
  port: number;
  path?: string;
  scheme?: 'https' | 'http';
  cacert?: string;
  cert?: string;
  key?: string;
  http?: '1.1' | '2';
  headers?: Record<string, string>;
  /** Host header different from the SNI name (misdirected requests). */
  hostHeader?: string;
  extra?: string[];
}

/** Runs the real curl CLI against 127.0.0.1. */
export async function curl(options: CurlOptions): Promise<CurlResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyway-curl-'));
  const headerFile = path.join(dir, 'headers');
  const bodyFile = path.join(dir, 'body');
  const scheme = options.scheme ?? 'https';
  const args = [
    '-sS',
    '-v',
    '--max-time',
    '10',
    '--resolve',
    `${options.host}:${options.port}:127.0.0.1`,
    '-D',
    headerFile,
    '-o',
    bodyFile,
    '-w',
    '%{http_code} %{http_version}',
  ];
  if (options.cacert) args.push('--cacert', options.cacert);
  if (options.cert) args.push('--cert', options.cert);
  if (options.key) args.push('--key', options.key);
  if (options.http === '2') args.push('--http2');
  if (options.http === '1.1') args.push('--http1.1');
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (options.hostHeader) args.push('-H', `Host: ${options.hostHeader}`);
  args.push(...(options.extra ?? []), `${scheme}://${options.host}:${options.port}${options.path ?? '/'}`);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile('curl', args, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    },
  );
  const [status, httpVersion] = stdout.trim().split(' ');
  const headerText = await fs.readFile(headerFile, 'utf8').catch(() => '');
  const body = await fs.readFile(bodyFile, 'utf8').catch(() => '');
  await fs.rm(dir, { recursive: true, force: true });
  // The last header block is the final response (after any 100 Continue).
  const blocks = headerText.trim().split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of (blocks[blocks.length - 1] ?? '').split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const trace = stderr
    .split('\n')
    .filter((l) => l.startsWith('* '))
    .join('\n');
  return { exitCode: code, status: Number(status), httpVersion: httpVersion ?? '', headers, body, trace };
}
