// The web admin in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
// browser) against the built server the Python wrapper (test_web_admin_browser.py) started.
//
// First the whole flow of an office administrator, at desktop size: sign in; add a user with a typed
// password and a sender address; create a DKIM key, copy its DNS record (read back from the clipboard)
// and activate the key; add a route to the wrapper's smarthost and press Check; send a test message and
// watch it arrive; find a message the smarthost could not take in the queue and in the delivery log,
// retry it and delete it; lift a brute-force ban on the Blocked sign-ins page; lower the new user's
// sending limit and see the user stopped on the dashboard; sign out. Then every page at a desktop and a
// phone size, with the data the flow
// left behind, each saved as a screenshot into POSTERN_SCREENSHOT_DIR.
//
// Fails on a page error, a CSP violation, a script dialog (markup from data ran) or a console error other
// than the browser's own note about an API answer of 4xx (which pages show as messages on purpose).
//
// The wrapper and this script talk in lines: this script writes "@@ {json}" to standard output when the
// wrapper has to act (check what the smarthost received, stop it, submit mail) and reads the wrapper's
// JSON answer as one line from standard input.
//
// Environment: POSTERN_ADMIN_URL (https://127.0.0.1:PORT/), POSTERN_ADMIN_LOGIN, POSTERN_ADMIN_PASSWORD,
// POSTERN_FLOW (JSON: user, password, sender, domain, selector, smarthost, recipient),
// POSTERN_SCREENSHOT_DIR, POSTERN_CHROMIUM (default /usr/bin/chromium), POSTERN_PLAYWRIGHT (the
// playwright-core directory). Exit status 0 when the flow went through and every page was clean.
import {execFileSync} from 'node:child_process';
import {createHmac} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {createInterface} from 'node:readline';

const require = createRequire(import.meta.url);
const {chromium, request: apiRequest} = require(process.env.POSTERN_PLAYWRIGHT || 'playwright-core');

const baseUrl = process.env.POSTERN_ADMIN_URL;
const outDir = process.env.POSTERN_SCREENSHOT_DIR;
const FLOW = JSON.parse(process.env.POSTERN_FLOW || '{}');
const PAGES = [
  ['dashboard', '#/'],
  ['users', '#/users'],
  ['user', `#/users/${encodeURIComponent(FLOW.user)}`],
  ['dkim', '#/dkim'],
  ['domains', '#/domains'],
  ['domain', '#/domains/example.org'],
  ['routes', '#/routes'],
  ['test-message', '#/test'],
  ['queue', '#/queue'],
  ['log', '#/log'],
  ['audit', '#/audit'],
  ['bans', '#/bans'],
  ['admins', '#/admins'],
  ['account', '#/account'],
];
const VIEWPORTS = [['desktop', {width: 1280, height: 800}], ['phone', {width: 390, height: 844}]];
// Chromium logs every fetch answered 4xx as a console error; the pages expect some (a 404 they explain).
const API_4XX = /Failed to load resource: the server responded with a status of 4\d\d/;
// Delivery and the test message's follow-up poll every few seconds; an ASan build on two cores is slow.
const DELIVERY_TIMEOUT = 90000;

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
  // Client text such as a Subject of <img src=x onerror=alert(1)> must never run. The UI's own
  // confirmations are <dialog> elements, never script dialogs.
  page.on('dialog', async (dialog) => {
    problems.push(`${where()}: a dialog opened (markup from data ran): ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin === new URL(baseUrl).origin)
      problems.push(`${where()}: request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
}

// The wrapper's side of a step: one event out, one JSON line back.
const wrapperLines = createInterface({input: process.stdin})[Symbol.asyncIterator]();
async function askWrapper(event) {
  console.log(`@@ ${JSON.stringify(event)}`);
  const {value, done} = await wrapperLines.next();
  if (done) throw new Error(`the wrapper closed its side before answering ${event.event}`);
  return JSON.parse(value);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
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

async function open(page, hash) {
  await page.goto(new URL(hash, baseUrl).href);
  await settle(page);
}

// The form holding the button that submits it.
function formWith(page, submitLabel) {
  return page.locator('form').filter({has: page.getByRole('button', {name: submitLabel, exact: true})});
}

function confirmInDialog(page, label) {
  return page.getByRole('dialog').getByRole('button', {name: label, exact: true}).click();
}

async function addUser(page) {
  await open(page, '#/users');
  await page.locator('summary', {hasText: 'Add a user'}).click();
  const add = formWith(page, 'Add user');
  await add.getByLabel('E-mail address').fill(FLOW.user);
  await add.getByLabel('Type a password').check();
  await add.getByLabel('Password', {exact: true}).fill(FLOW.password);
  await add.getByRole('button', {name: 'Add user'}).click();
  await page.getByRole('status').filter({hasText: `User ${FLOW.user} added.`}).waitFor();
  await page.getByRole('link', {name: 'Open the new user'}).click();
  await settle(page);
  await page.getByLabel('Address or @domain').fill(FLOW.sender);
  await page.getByRole('button', {name: 'Allow', exact: true}).click();
  await page.getByRole('button', {name: `Remove ${FLOW.sender}`}).waitFor();
}

// Returns the DNS record's value as the clipboard holds it after "Copy value".
async function createAndActivateKey(page) {
  await open(page, '#/dkim');
  const create = formWith(page, 'Create key');
  await create.getByLabel('Domain').fill(FLOW.domain);
  await create.getByLabel('Selector').fill(FLOW.selector);
  await create.getByRole('button', {name: 'Create key'}).click();
  const key = page.getByRole('article').filter({hasText: `Selector ${FLOW.selector}`});
  await key.filter({hasText: 'Not yet active'}).waitFor();

  await key.getByRole('button', {name: 'Copy value'}).click();
  await key.getByRole('button', {name: 'Copied'}).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const shown = await key.locator('.dns-row').filter({hasText: 'Copy value'}).locator('code').innerText();
  check(
      /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/.test(copied),
      `the clipboard holds ${JSON.stringify(copied)}, not a DKIM TXT record`);
  check(copied === shown.trim(), 'the clipboard differs from the DNS record value on the page');
  // Published in the office's DNS (the wrapper's dnsmasq): activation checks that it is there.
  await askWrapper(
      {event: 'dkim-record-copied', name: `${FLOW.selector}._domainkey.${FLOW.domain}`, value: copied});

  await key.getByRole('button', {name: 'Activate', exact: true}).click();
  await confirmInDialog(page, 'Activate');
  await key.filter({hasText: 'Active: signing'}).waitFor();
  await page.getByRole('status').filter({hasText: `Key ${FLOW.selector} is now active.`}).waitFor();
  return copied;
}

// The domain's page from the key's own link: Check now finds the key's record published (the wrapper's
// DNS serves it) and SPF and DMARC missing (it serves nothing else), each with its verdict.
async function checkDomainRecords(page) {
  await open(page, '#/dkim');
  await page.getByRole('link', {name: `DNS check of ${FLOW.domain}`}).first().click();
  await page.waitForURL((url) => url.hash === `#/domains/${FLOW.domain}`);
  await settle(page);
  await page.getByRole('button', {name: 'Check now'}).click();
  const dkimCard = page.locator('article.kind-dkim').filter({hasText: FLOW.selector});
  await dkimCard.filter({hasText: 'Published correctly'}).waitFor({timeout: DELIVERY_TIMEOUT});
  await page.locator('article.kind-spf').filter({hasText: 'Missing'}).waitFor();
  await page.locator('article.kind-dmarc').filter({hasText: 'Missing'}).waitFor();
  await page.screenshot({path: join(outDir, 'domain-checked-desktop.png')});
}

async function addAndCheckRoute(page) {
  await open(page, '#/routes');
  await page.getByRole('link', {name: 'Add a route'}).click();
  await settle(page);
  await page.getByLabel('Route name').fill('office');
  await page.getByLabel('Senders').fill(`@${FLOW.domain}`);
  await page.getByLabel('Smarthosts').fill(FLOW.smarthost);
  await page.getByLabel('Encryption').selectOption('none');
  await page.getByLabel('Sign-in method').selectOption('none');
  await page.getByRole('button', {name: 'Add route'}).click();
  await page.waitForURL(/#\/routes\?saved=office$/);
  await settle(page);
  const route =
      page.getByRole('article').filter({has: page.getByRole('heading', {name: 'office', exact: true})});
  await route.getByRole('button', {name: 'Check', exact: true}).click();
  const result = route.locator('.check-result');
  await result.waitFor({timeout: DELIVERY_TIMEOUT});
  const text = await result.innerText();
  check(
      text.includes('Every smarthost answered') && text.includes(FLOW.smarthost),
      `the route check did not pass: ${text}`);
  await page.screenshot({path: join(outDir, 'route-check-desktop.png')});
}

// Returns the test message's queue ID once the page says it was delivered.
async function sendTestMessage(page) {
  await open(page, '#/test');
  await page.getByLabel('From', {exact: true}).fill(FLOW.sender);
  await page.getByLabel('To', {exact: true}).fill(FLOW.recipient);
  await page.getByRole('button', {name: 'Send test message'}).click();
  const progress = page.locator('section.follow');
  await progress.getByRole('status').filter({hasText: 'Delivered.'}).waitFor({timeout: DELIVERY_TIMEOUT});
  const text = await progress.innerText();
  check(
      text.includes(FLOW.recipient) && text.includes(FLOW.smarthost),
      `the test message's outcome does not name its recipient and the route's smarthost: ${text}`);
  await page.screenshot({path: join(outDir, 'test-message-delivered-desktop.png')});
  return (await progress.locator('code').first().innerText()).trim();
}

// The outcome badges of the delivery log's rows for one message, as the log page shows them now.
function logOutcomes(page, queueId) {
  return page.locator('table tbody tr').filter({hasText: queueId}).locator('.badge').allInnerTexts();
}

// Presses the log's Filter button until it shows `count` attempts: the retry happens in the queue
// manager's own time.
async function waitForLoggedAttempts(page, queueId, count) {
  const deadline = Date.now() + DELIVERY_TIMEOUT;
  for (;;) {
    await formWith(page, 'Filter').getByRole('button', {name: 'Filter'}).click();
    await settle(page);
    const outcomes = await logOutcomes(page, queueId);
    if (outcomes.length >= count) return outcomes;
    check(
        Date.now() < deadline,
        `the delivery log shows ${outcomes.length} attempt(s) of ${queueId}, not ${count}`);
    await page.waitForTimeout(250);  // between two looks at the log, not a wait for an outcome
  }
}

// Navigation here goes through the pages' own links, as an administrator's would: a new page load would
// cut off requests still finishing.
async function retryAndDeleteHeldMessage(page, queueId) {
  await page.locator('#nav').getByRole('link', {name: 'Queue'}).click();
  await settle(page);
  const details = page.getByRole('link', {name: `Details of message ${queueId}`});
  const row = page.locator('table tbody tr').filter({has: details});
  const listed = await row.innerText();
  check(
      listed.includes(FLOW.sender) && listed.includes('Waiting'), `the queue lists ${queueId} as: ${listed}`);

  await page.locator('#nav').getByRole('link', {name: 'Delivery log'}).click();
  await settle(page);
  await formWith(page, 'Filter').getByLabel('Queue ID').fill(queueId);
  const outcomes = await waitForLoggedAttempts(page, queueId, 1);
  check(
      outcomes.length === 1 && outcomes[0] === 'Deferred',
      `the delivery log shows ${queueId} as ${JSON.stringify(outcomes)}, not one deferred attempt`);

  await page.locator('#nav').getByRole('link', {name: 'Queue'}).click();
  await settle(page);
  await details.click();
  await settle(page);
  await page.getByRole('button', {name: 'Retry now'}).click();
  await page.getByText('Postern is trying this message again now.').waitFor();
  await page.getByRole('link', {name: 'Delivery attempts of this message'}).click();
  await settle(page);
  const after = await waitForLoggedAttempts(page, queueId, 2);
  check(
      after.length === 2 && after.every((o) => o === 'Deferred'),
      `the retried message's attempts: ${JSON.stringify(after)}`);

  await page.goBack();
  await settle(page);
  await page.getByRole('button', {name: 'Delete', exact: true}).click();
  await confirmInDialog(page, 'Delete message');
  await page.waitForURL(/#\/queue$/);
  await settle(page);
  check((await details.count()) === 0, `${queueId} is still listed in the queue after Delete`);
}

// Through the name in the top bar, as an administrator finds it. The password is set to the one it was, so
// the page tour after the flow signs in as before.
async function changeOwnPassword(page) {
  await page.locator('#whoami').getByRole('link', {name: process.env.POSTERN_ADMIN_LOGIN}).click();
  await settle(page);
  const change = formWith(page, 'Change my password');
  await change.getByLabel('New password', {exact: true}).fill(process.env.POSTERN_ADMIN_PASSWORD);
  await change.getByLabel('New password again').fill(process.env.POSTERN_ADMIN_PASSWORD + 'x');
  await change.getByRole('button', {name: 'Change my password'}).click();
  await change.getByText('The two passwords differ.').waitFor();
  await change.getByLabel('New password again').fill(process.env.POSTERN_ADMIN_PASSWORD);
  await change.getByRole('button', {name: 'Change my password'}).click();
  await page.getByRole('status').filter({hasText: 'Password changed.'}).first().waitFor();
  check(await page.locator('#nav').isVisible(), 'the session that changed its password was signed out');
}

async function signOutAndCheck(context, page) {
  const cookies = await context.cookies(baseUrl);
  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.getByRole('heading', {name: 'Sign in', level: 1}).waitFor();
  await page.locator('input[name=login]').waitFor();
  check(await page.locator('#nav').isHidden(), 'the navigation is still shown after signing out');
  const me = new URL('/api/v1/me', baseUrl).href;
  const fromBrowser = await context.request.get(me);
  check(fromBrowser.status() === 401, `/api/v1/me answered ${fromBrowser.status()} after signing out`);
  // The session is ended on the server, not only forgotten by the browser.
  const oldSession = await apiRequest.newContext({
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: {Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ')},
  });
  try {
    const answer = await oldSession.get(me);
    check(
        answer.status() === 401, `/api/v1/me answered ${answer.status()} to the signed-out session's cookie`);
  } finally {
    await oldSession.dispose();
  }
}

// Blocked sign-ins: the wrapper banned a few loopback addresses and a login with real failed AUTH; the
// administrator lifts the ban on FLOW.bannedAddress and sees it gone, the others still listed.
async function liftABan(page) {
  await open(page, '#/bans');
  const row = page.locator('tr', {hasText: FLOW.bannedAddress});
  await row.waitFor();
  await page.getByText('stops listening to them for a while').waitFor();
  await page.screenshot({path: join(outDir, 'bans-before-lift-desktop.png')});
  await row.getByRole('button', {name: 'Lift'}).click();
  await row.waitFor({state: 'detached'});
  await page.locator('tr', {hasText: FLOW.bannedLogin}).waitFor();
}

// Sending limits: the administrator lowers the new user's messages per hour to 1 on the user's page (the
// user has sent one message already); the wrapper's next MAIL FROM as that user gets 451 4.7.1; the
// dashboard then lists the user as stopped by a limit, and its link leads back to the user's page.
async function limitUser(page) {
  await open(page, `#/users/${encodeURIComponent(FLOW.user)}`);
  const limits = formWith(page, 'Save limits');
  await limits.getByLabel('Messages per hour').fill('1');
  await limits.getByRole('button', {name: 'Save limits'}).click();
  // The page reloads with the new limit: the one message the user sent fills it.
  await page.locator('#limits').getByText('1 of 1 message this hour').waitFor();
  await page.locator('#limits').getByText('Limit reached').waitFor();
  await askWrapper({event: 'sending-limit-hit'});
  await open(page, '#/');
  const card = page.locator('section', {hasText: 'Users stopped by a sending limit'});
  await card.waitFor();
  await card.screenshot({path: join(outDir, 'dashboard-limited-desktop.png')});
  await card.getByRole('link', {name: FLOW.user}).click();
  await settle(page);
  const section = page.locator('#limits');
  await section.getByText('Refused by a limit').waitFor();
  await section.screenshot({path: join(outDir, 'user-limits-desktop.png')});
}

async function officeAdminFlow(browser) {
  const context = await browser.newContext({viewport: VIEWPORTS[0][1], ignoreHTTPSErrors: true});
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: new URL(baseUrl).origin});
  const page = await context.newPage();
  let current = 'flow: sign in';
  watch(page, () => current);
  const step = async (name, work) => {
    current = `flow: ${name}`;
    const value = await work();
    console.log(`ok ${current}`);
    return value;
  };
  try {
    await step('sign in', () => signIn(page));
    await step('add a user and a sender address', () => addUser(page));
    const record = await step('create, copy and activate a DKIM key', () => createAndActivateKey(page));
    await step('add a route and check it', () => addAndCheckRoute(page));
    await step('check the domain\'s DNS records', () => checkDomainRecords(page));
    const testId = await step('send a test message', () => sendTestMessage(page));
    const {queueId} = await step(
        'the smarthost received it; mail held while it is down',
        () => askWrapper({event: 'test-message-delivered', queueId: testId, dkimRecord: record}));
    await step('retry and delete the held message', () => retryAndDeleteHeldMessage(page, queueId));
    await step('lift a ban on blocked sign-ins', () => liftABan(page));
    await step('limit a user and see it stopped on the dashboard', () => limitUser(page));
    await step('change the own password', () => changeOwnPassword(page));
    await step('sign out', () => signOutAndCheck(context, page));
  } finally {
    await context.close();
  }
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

async function pageTour(browser) {
  for (const [size, viewport] of VIEWPORTS) {
    const context = await browser.newContext({viewport, ignoreHTTPSErrors: true});
    const page = await context.newPage();
    let current = `${size} sign-in`;
    watch(page, () => current);
    await signIn(page);
    for (const [name, hash] of PAGES) {
      current = `${size} ${name}`;
      await open(page, hash);
      // An endpoint a page shows as an error (e.g. one this build lacks) is reported, not failed: the
      // page handled it.
      for (const text of await page.locator('.alert.error').allInnerTexts())
        if (text.trim()) console.log(`note ${current}: the page shows an error: ${text.trim()}`);
      // The user page's mail client card is below the fold: the whole page.
      await page.screenshot({path: join(outDir, `${name}-${size}.png`), fullPage: name === 'user'});
      console.log(`ok ${current}`);
      if (name === 'queue') await openFirstMessage(page, size, (where) => (current = where));
    }
    await context.close();
  }
}

// ---- Admin second factor (TOTP): the main administrator sets one up on its account page, the QR code the
// page drew is decoded by zbarimg (POSTERN_ZBARIMG) and must carry the otpauth URI of the key shown as
// text; then signing in takes a code computed here (RFC 6238), and once a recovery code. Runs last: after
// it the administrator needs a code to sign in.
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The phone: the code of the earliest step the server still takes (±1 around now, after the last used).
function authenticator(secret) {
  const key = base32Bytes(secret);
  let last = null;
  const hotp = (counter) => {
    const message = Buffer.alloc(8);
    message.writeBigUInt64BE(BigInt(counter));
    const mac = createHmac('sha1', key).update(message).digest();
    const offset = mac[mac.length - 1] & 0x0F;
    return String((mac.readUInt32BE(offset) & 0x7FFFFFFF) % 1000000).padStart(6, '0');
  };
  return async () => {
    for (;;) {
      const now = Math.floor(Date.now() / 30000);
      for (const step of [now - 1, now, now + 1]) {
        if (last === null || step > last) {
          last = step;
          return hotp(step);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 30000 - (Date.now() % 30000) + 200));
    }
  };
}

async function signInWithSecondFactor(page, code) {
  await page.goto(new URL('#/signin', baseUrl).href);
  await page.fill('input[name=login]', process.env.POSTERN_ADMIN_LOGIN);
  await page.fill('input[name=password]', process.env.POSTERN_ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('input[name=code]').waitFor();
  check(await page.locator('#nav').isHidden(), 'signed in before the second factor was given');
  await page.screenshot({path: join(outDir, 'signin-code-desktop.png')});
  await page.fill('input[name=code]', code);
  await page.getByRole('button', {name: 'Verify and sign in'}).click();
  await page.waitForFunction(() => !document.getElementById('nav').hidden);
}

async function secondFactorFlow(browser) {
  const context = await browser.newContext({viewport: VIEWPORTS[0][1], ignoreHTTPSErrors: true});
  const page = await context.newPage();
  let current = 'second factor: sign in';
  watch(page, () => current);
  const step = async (name, work) => {
    current = `second factor: ${name}`;
    const value = await work();
    console.log(`ok ${current}`);
    return value;
  };
  try {
    await step('sign in', () => signIn(page));
    const phone = await step('set up with the QR code', async () => {
      await open(page, '#/account');
      await page.getByRole('button', {name: 'Set up a second factor'}).click();
      const qr = page.locator('#totp-qr svg');
      await qr.waitFor();
      const image = join(outDir, 'totp-qr.png');
      await qr.screenshot({path: image});
      await page.screenshot({path: join(outDir, 'account-totp-desktop.png'), fullPage: true});
      const uri = execFileSync(process.env.POSTERN_ZBARIMG || 'zbarimg', ['-q', '--raw', image]).toString().trim();
      const parsed = new URL(uri);
      check(parsed.protocol === 'otpauth:' && parsed.host === 'totp', `the QR code holds ${uri}`);
      check(decodeURIComponent(parsed.pathname).startsWith(`/Postern:${process.env.POSTERN_ADMIN_LOGIN}@`),
            `the QR code's label is ${parsed.pathname}`);
      check(parsed.searchParams.get('issuer') === 'Postern', `the QR code's issuer: ${uri}`);
      const secret = parsed.searchParams.get('secret');
      const shown = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
      check(secret === shown, `the QR code's secret ${secret} is not the key shown as text ${shown}`);
      return authenticator(secret);
    });
    const recoveryCodes = await step('confirm with a code; recovery codes shown once', async () => {
      await page.getByLabel('Code from the app').fill(await phone());
      await page.getByRole('button', {name: 'Turn on the second factor'}).click();
      const list = page.locator('#recovery-codes');
      await list.waitFor();
      await page.screenshot({path: join(outDir, 'account-recovery-desktop.png'), fullPage: true});
      const codes = (await list.innerText()).split('\n').map((c) => c.trim()).filter(Boolean);
      check(codes.length === 10, `${codes.length} recovery codes shown`);
      return codes;
    });
    await step('sign out', () => signOutAndCheck(context, page));
    await step('sign in with password and code', async () => signInWithSecondFactor(page, await phone()));
    await step('sign out again', () => signOutAndCheck(context, page));
    await step('sign in with a recovery code', async () => {
      await signInWithSecondFactor(page, recoveryCodes[0]);
      await open(page, '#/account');
      await page.getByText('9 of 10 recovery codes left').waitFor();
    });
    await step('a used code is refused', async () => {
      await page.getByRole('button', {name: 'Sign out'}).click();
      await page.locator('input[name=login]').waitFor();
      await page.fill('input[name=login]', process.env.POSTERN_ADMIN_LOGIN);
      await page.fill('input[name=password]', process.env.POSTERN_ADMIN_PASSWORD);
      await page.click('button[type=submit]');
      await page.fill('input[name=code]', recoveryCodes[0]);
      await page.getByRole('button', {name: 'Verify and sign in'}).click();
      await page.getByText('wrong or already used code').waitFor();
      await page.locator('input[name=password]').waitFor();  // back to the password
      check(await page.locator('#nav').isHidden(), 'a used recovery code signed in');
    });
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.POSTERN_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'
  ],
});
let failure = null;
try {
  mkdirSync(outDir, {recursive: true});
  await officeAdminFlow(browser);
  await pageTour(browser);
  await secondFactorFlow(browser);
} catch (error) {
  failure = error;
} finally {
  await browser.close();
}
if (failure) problems.unshift(`stopped: ${failure.stack || failure}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
process.exit(0);
