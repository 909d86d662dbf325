// Writes src/http/board-view/index.ejs from the installed bull-board (run after upgrading it).
import fs from 'node:fs';
import path from 'node:path';
import { BOARD_VIEW_DIR, localBoardTemplate, readBullBoardTemplate } from '../src/http/board-view';

fs.mkdirSync(BOARD_VIEW_DIR, { recursive: true });
fs.writeFileSync(path.join(BOARD_VIEW_DIR, 'index.ejs'), localBoardTemplate(readBullBoardTemplate()));
process.stdout.write(`board-view: wrote ${path.join(BOARD_VIEW_DIR, 'index.ejs')}\n`);
