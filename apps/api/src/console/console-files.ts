/**
 * Which file of the built console (dist/console) answers a path under /ui, and how: pure, so the
 * rules are tested without a server. Only names Vite emits are served (no `..`, no dot files, at most
 * 200 characters); a path with no file extension is a page of the single-page app and gets index.html.
 */
export interface ConsoleAsset {
  /** Relative to the console's folder, with `/` separators. */
  file: string;
  contentType: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const INDEX: ConsoleAsset = { file: 'index.html', contentType: TYPES['.html'], cacheControl: 'no-cache' };
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** `path` is the request path without its query (`/ui`, `/ui/`, `/ui/assets/index-abc.js`, `/ui/credentials`). */
export function consoleAsset(path: string): ConsoleAsset | undefined {
  if (path.length > 200) return undefined;
  if (path === '/ui' || path === '/ui/') return INDEX;
  if (!path.startsWith('/ui/')) return undefined;
  const segments = path.slice(4).split('/');
  if (segments.some((s) => !SEGMENT.test(s))) return undefined;
  const last = segments[segments.length - 1];
  const dot = last.lastIndexOf('.');
  if (dot < 0) return INDEX;
  const type = TYPES[last.slice(dot)];
  if (!type) return undefined;
  const file = segments.join('/');
  // Vite names every asset by its content hash: it never changes under the same name.
  const cacheControl = segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
  return { file, contentType: type, cacheControl };
}

/**
 * The console reads only the api's own origin; nothing is framed, inlined or loaded from elsewhere.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
