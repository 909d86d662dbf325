#!/usr/bin/env node
// In a checkout the TypeScript sources run directly through tsx, so `npx onboarding` needs no build
// step; the Docker image ships only the compiled dist/ and no src/.
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js'));
}
cli.main(process.argv);
