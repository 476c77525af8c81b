import { Controller, Get, Header } from '@nestjs/common';
import { buildOpenApi, docsPage } from './openapi.js';

@Controller()
export class DocsController {
  readonly #doc = buildOpenApi('0.1.0');

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.#doc;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return docsPage();
  }
}
