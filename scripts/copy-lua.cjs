// `npm run build` compiles TypeScript only; the Lua scripts (and the board's page template) are
// read at run time from a folder beside the module that uses them, so they are copied to the same
// place under dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let copied = 0;
for (const entry of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
  if (!/\.(lua|ejs)$/.test(String(entry))) continue;
  const target = path.join(root, 'dist', 'src', String(entry));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(root, 'src', String(entry)), target);
  copied += 1;
}
if (copied === 0) throw new Error('copy-lua: no .lua file found under src/');
console.log(`copy-lua: ${copied} Lua scripts and templates copied to dist/src`);
