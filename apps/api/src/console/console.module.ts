import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { ConsoleController } from './console.controller.js';
import { CONSOLE_DIR } from './console.tokens.js';

/** Compiled to dist/apps/api/src/console/: the console's build is dist/console. */
const BUILT_CONSOLE = fileURLToPath(new URL('../../../../console/', import.meta.url));

/** Serves the web console (apps/console) at /ui; see apps/console/README.md. */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_DIR, useValue: BUILT_CONSOLE }],
})
export class ConsoleModule {}
