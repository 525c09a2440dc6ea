#!/usr/bin/env node
// The memmap-lab CLI: the bundle built by `npm run build` (dist/cli.js).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('memmap-lab: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(bundle).runCli();
