#!/usr/bin/env node
// Entry of the `ftlab` command (dist/cli.js; package.json "bin"). esbuild keeps the hashbang line
// of an entry point, so the bundle runs directly.

import { runCli } from './cli';
import { processIo } from './io';

void runCli(process.argv.slice(2), processIo(), { cliPath: __filename }).then((code) => {
  // Exit once the output is flushed: a pipe (e.g. `ftlab report --json | jq`) must get all of it,
  // and nothing (an onnxruntime thread pool, a timer) may keep a finished command alive.
  process.stdout.write('', () => process.exit(code));
});
