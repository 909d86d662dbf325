// Preloaded with `node -r` into a CLI process under test: on exit it writes one line to stderr,
// `LOADED_MODULES ["/abs/path", ...]`, the files in require.cache, so a test can tell what a role loaded.
const fs = require('node:fs');

process.on('exit', () => {
  fs.writeSync(2, `\nLOADED_MODULES ${JSON.stringify(Object.keys(require.cache))}\n`);
});
