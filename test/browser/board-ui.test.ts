import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { deadLetterJobId } from '../../src/contracts/dead-letter-record';
import { onboardingJobId } from '../../src/contracts/onboarding-job';
import { JOB_NAMES, QUEUE_NAMES } from '../../src/queues/queue-names';
import { BOARD, startHttpHarness, type HttpHarness } from '../integration/http/support/http-harness';
import { expectNoPersonalData, personalPayload } from '../integration/http/support/personal-data';
import { startTestPipeline, type TestPipeline } from '../support/pipeline-harness';
import { businessIds } from '../support/payloads';

// Debian's chromium; `npx playwright install` is never used (it downloads a browser at test time).
const CHROMIUM = '/usr/bin/chromium';
// README shows docs/board.png; a normal run writes its screenshot to a temp file so that `npm test`
// leaves the checkout clean. `UPDATE_BOARD_SCREENSHOT=1 npx jest test/browser` refreshes the committed one.
const SCREENSHOT = process.env.UPDATE_BOARD_SCREENSHOT
  ? path.join(__dirname, '..', '..', 'docs', 'board.png')
  : path.join(os.tmpdir(), `ropo-onboarding-board-${process.pid}.png`);
const hasChromium = fs.existsSync(CHROMIUM);

if (!hasChromium) {
  process.stderr.write(
    `\nSKIPPED the Bull Board browser test: ${CHROMIUM} is missing. Install it with \`apt-get install -y chromium\`.\n\n`,
  );
}

(hasChromium ? describe : describe.skip)('Bull Board in a real browser', () => {
  let pipeline: TestPipeline;
  let http: HttpHarness;
  let browser: Browser;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    http = await startHttpHarness({ prefix: pipeline.prefix, env: { BOARD_SHOW_PAYLOADS: 'false' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await pipeline?.close();
  });

  it('logs in, shows the three queues, opens a dead-letter record without its payload, and saves a screenshot', async () => {
    const [good, bad] = businessIds(2, 3_700_000) as [string, string];
    const created = await pipeline.producer.enqueue(personalPayload(good), { source: 'crm' });
    // A producer that skipped validation: the worker dead-letters the typo with its field path.
    const typo = personalPayload(bad) as Record<string, Record<string, unknown>>;
    typo.contact_person = { ...typo.contact_person, emial: 'typo' };
    const failedId = onboardingJobId(typo);
    await pipeline.onboarding.add(
      JOB_NAMES.onboardCustomer,
      { payload: typo, receivedAt: new Date().toISOString(), deliveryId: 'raw', source: 'erp' },
      { jobId: failedId, attempts: 3 },
    );
    await pipeline.waitForAll([created.jobId, failedId]);

    const anonymous = await browser.newContext();
    // Headless Chromium answers a Basic challenge it has no credentials for by failing the navigation.
    await expect((await anonymous.newPage()).goto(`${http.url}/admin/queues`)).rejects.toThrow(
      /ERR_INVALID_AUTH_CREDENTIALS/,
    );
    await anonymous.close();

    const context = await browser.newContext({
      httpCredentials: { username: BOARD.username, password: BOARD.password },
      viewport: { width: 1280, height: 860 },
    });
    const cspViolations: string[] = [];
    const elsewhere: string[] = [];
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== new URL(http.url).origin) elsewhere.push(url.origin);
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    try {
      await page.goto(`${http.url}/admin/queues`);
      for (const name of Object.values(QUEUE_NAMES)) {
        await page.getByText(name, { exact: true }).first().waitFor({ timeout: 10_000 });
      }

      const recordId = deadLetterJobId(failedId);
      await page.goto(`${http.url}/admin/queues/queue/${QUEUE_NAMES.deadLetter}/${recordId}`);
      await page.getByText('PAYLOAD_INVALID').first().waitFor({ timeout: 10_000 });
      await page.getByText('contact_person.emial').first().waitFor({ timeout: 10_000 });
      const text = await page.locator('body').innerText();
      expect(text).toContain('hidden: BOARD_SHOW_PAYLOADS=false');
      expectNoPersonalData(text, 'the board page');

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: false });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      if (!process.env.UPDATE_BOARD_SCREENSHOT) fs.rmSync(SCREENSHOT, { force: true });
      expect(cspViolations).toEqual([]);
      // Nothing was fetched from another host (bull-board's page links Google Fonts; ours does not).
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
