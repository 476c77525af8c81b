#!/usr/bin/env node
// The `keyway` command: runs the compiled CLI (npm run build emits dist/).
// eslint-disable-next-line no-restricted-imports -- the launcher is not an app; it starts the CLI app
import { main } from '../dist/apps/cli/src/main.js';

process.exitCode = await main(process.argv.slice(2));
