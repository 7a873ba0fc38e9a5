// The web admin in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
// browser) against the built server the Python wrapper started. Signs in, opens every page at a desktop
// and a phone size, and fails on a page error, a CSP violation or a console error other than the
// browser's own note about an API answer of 4xx (which pages show as messages on purpose). Saves a
// screenshot of every page into POSTERN_SCREENSHOT_DIR.
//
// Environment: POSTERN_ADMIN_URL (https://127.0.0.1:PORT/), POSTERN_ADMIN_LOGIN, POSTERN_ADMIN_PASSWORD,
// POSTERN_SCREENSHOT_DIR, POSTERN_CHROMIUM (default /usr/bin/chromium), POSTERN_PLAYWRIGHT (the
// playwright-core directory). Exit status 0 when every page was clean.
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';

const require = createRequire(import.meta.url);
const {chromium} = require(process.env.POSTERN_PLAYWRIGHT || 'playwright-core');

const baseUrl = process.env.POSTERN_ADMIN_URL;
const outDir = process.env.POSTERN_SCREENSHOT_DIR;
const PAGES = [
  ['dashboard', '#/'], ['users', '#/users'], ['dkim', '#/dkim'], ['routes', '#/routes'],
  ['test-message', '#/test'], ['queue', '#/queue'], ['log', '#/log'], ['audit', '#/audit'],
  ['admins', '#/admins'],
];
const VIEWPORTS = [['desktop', {width: 1280, height: 800}], ['phone', {width: 390, height: 844}]];
// Chromium logs every fetch answered 4xx as a console error; the pages expect some (a 404 they explain).
const API_4XX = /Failed to load resource: the server responded with a status of 4\d\d/;

const problems = [];

function watch(page, where) {
  page.on('pageerror', (error) => problems.push(`${where()}: page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(text)) {
      problems.push(`${where()}: CSP violation: ${text}`);
    } else if (message.type() === 'error' && !API_4XX.test(text)) {
      problems.push(`${where()}: console error: ${text}`);
    }
  });
  // Client text such as a Subject of <img src=x onerror=alert(1)> must never run.
  page.on('dialog', async (dialog) => {
    problems.push(`${where()}: a dialog opened (markup from data ran): ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin === new URL(baseUrl).origin)
      problems.push(`${where()}: request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
}

async function signIn(page) {
  await page.goto(new URL('#/signin', baseUrl).href);
  await page.fill('input[name=login]', process.env.POSTERN_ADMIN_LOGIN);
  await page.fill('input[name=password]', process.env.POSTERN_ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  // The shell un-hides the navigation once signed in (on a phone it then sits behind the menu button).
  await page.waitForFunction(() => !document.getElementById('nav').hidden);
}

// A page has settled when its title is there and no region still says it is loading.
async function settle(page) {
  await page.waitForSelector('h1');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, {timeout: 15000});
  await page.waitForLoadState('networkidle');
}

// The detail of the newest queued message (the one whose Subject is markup: shown as text, never run).
async function openFirstMessage(page, size, setCurrent) {
  const details = page.locator('a[href^="#/queue/"]').last();
  if ((await details.count()) === 0) return;
  setCurrent(`${size} message`);
  await details.click();
  await settle(page);
  await page.screenshot({path: join(outDir, `message-${size}.png`), fullPage: false});
  console.log(`ok ${size} message`);
}

const browser = await chromium.launch({
  executablePath: process.env.POSTERN_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  mkdirSync(outDir, {recursive: true});
  for (const [size, viewport] of VIEWPORTS) {
    const context = await browser.newContext({viewport, ignoreHTTPSErrors: true});
    const page = await context.newPage();
    let current = `${size} sign-in`;
    watch(page, () => current);
    await signIn(page);
    for (const [name, hash] of PAGES) {
      current = `${size} ${name}`;
      await page.goto(new URL(hash, baseUrl).href);
      await settle(page);
      // An endpoint a page shows as an error (e.g. one this build lacks) is reported, not failed: the
      // page handled it.
      for (const text of await page.locator('.alert.error').allInnerTexts())
        if (text.trim()) console.log(`note ${current}: the page shows an error: ${text.trim()}`);
      await page.screenshot({path: join(outDir, `${name}-${size}.png`), fullPage: false});
      console.log(`ok ${current}`);
      if (name === 'queue') await openFirstMessage(page, size, (where) => (current = where));
    }
    await context.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
