import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONSOLE_CSP, consoleAsset } from './console-files.js';
import { CONSOLE_DIR } from './console.tokens.js';

/**
 * The web console's static files at /ui (apps/console, built into dist/console by `npm run build`).
 * They need no token: the page asks for one and sends it to the REST routes, which check it as usual.
 */
@Controller()
export class ConsoleController {
  constructor(@Inject(CONSOLE_DIR) private readonly dir: string) {}

  @Get(['ui', 'ui/*path'])
  async serve(
    @Req() req: IncomingMessage & { originalUrl: string },
    @Res() res: ServerResponse,
  ): Promise<void> {
    const asset = consoleAsset(req.originalUrl.split('?')[0]);
    const body = asset ? await readFile(path.join(this.dir, asset.file)).catch(() => undefined) : undefined;
    res.setHeader('x-content-type-options', 'nosniff');
    if (!asset || !body) {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          code: 'not_found',
          message:
            asset?.file === 'index.html' ? 'the console is not built: npm run build' : 'no such console file',
        }),
      );
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', asset.contentType);
    res.setHeader('cache-control', asset.cacheControl);
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    res.end(body);
  }
}
