#!/usr/bin/env node
// In a checkout the TypeScript sources run directly through tsx, so `npx onboarding` needs no build
// step. A deployment runs the compiled dist/ only: ONBOARDING_DIST=1 (the Docker image sets it) never
// loads tsx, whose loader costs a worker about 20-30 MB of RSS and CPU on every start; without src/
// (the image ships none) dist/ is the only choice anyway.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const fromDist = process.env.ONBOARDING_DIST === '1' || !fs.existsSync(source);
if (fromDist && !fs.existsSync(compiled)) {
  process.stderr.write(`onboarding: ${compiled} is missing: run \`npm run build\` first\n`);
  process.exit(1);
}
let cli;
if (fromDist) {
  cli = require(compiled);
} else {
  require('tsx/cjs');
  cli = require(source);
}
cli.main(process.argv);
