import fs from 'node:fs';
import path from 'node:path';

/** The folder of the board's page template: bull-board's own, minus anything from a third-party host. */
export const BOARD_VIEW_DIR = path.join(__dirname, 'board-view');

// bull-board's page links IBM Plex from Google Fonts; its CSS falls back to the system sans-serif.
const THIRD_PARTY_LINK = /^\s*<link\b[^>]*href="https?:\/\/[^"]*"[^>]*>\s*\n/gm;

/**
 * bull-board's index.ejs without `<link>`s to other hosts, so the board makes no request to a third
 * party and its CSP can stay 'self'. `npm run board-view` writes the result to {@link BOARD_VIEW_DIR};
 * a test compares it with the installed bull-board's, so an upgrade cannot bring the link back unseen.
 */
export function localBoardTemplate(bullBoardTemplate: string): string {
  return bullBoardTemplate.replace(THIRD_PARTY_LINK, '');
}

/** The installed @bull-board/ui's page template. */
export function readBullBoardTemplate(): string {
  const ui = path.dirname(require.resolve('@bull-board/ui/package.json'));
  return fs.readFileSync(path.join(ui, 'dist', 'index.ejs'), 'utf8');
}
