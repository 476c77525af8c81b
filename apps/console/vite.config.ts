// The console's production build: `npm run build` (scripts/build.mjs) writes it to dist/console, which
// the api serves at /ui. Vite 8 compiles TSX itself (oxc); React's automatic runtime needs no import.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // Every asset URL is relative to /ui/, where the api (or the console's own nginx) serves it.
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.resolve(here, '../../dist/console'),
    emptyOutDir: true,
    // The bundle budget is checked by a test (console-bundle.spec.ts); no inline source in production.
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
