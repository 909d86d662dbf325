import fs from 'node:fs';
import path from 'node:path';
import { BOARD_VIEW_DIR, localBoardTemplate, readBullBoardTemplate } from '../../../src/http/board-view';

describe("the board's page template", () => {
  it('is the installed bull-board page minus its Google Fonts link (else run `npm run board-view`)', () => {
    const upstream = readBullBoardTemplate();
    const shipped = fs.readFileSync(path.join(BOARD_VIEW_DIR, 'index.ejs'), 'utf8');
    expect(shipped).toBe(localBoardTemplate(upstream));
    expect(shipped).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    // Everything else, the bundle's own script and CSS names included, is bull-board's.
    expect(upstream).toContain('fonts.googleapis.com');
    expect(shipped).toMatch(/static\/js\/main\.[0-9a-f]+\.js/);
  });
});
