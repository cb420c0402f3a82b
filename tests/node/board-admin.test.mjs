// The staff board's alarms and admin tools (docs/protocol.md §12.3) in headless Chromium:
// order-unattended marks the card and rings again, failed syncs with their retry, staff
// online per city, the staff page, the city filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, addStaff, api, startServer, token } from './lib/server.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';
import { launchChromium } from './lib/browser.mjs';
import { card, openPage, seedShop, signIn } from './lib/pages.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('sound is off until turned on; then a new order rings, order-unattended marks the card and rings again, with a notification while hidden', async () => {
  const srv = await startServer(['--pending-alert-s', '1']);
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const board = await openPage(browser, srv);
    const { page, context } = board;
    await context.grantPermissions(['notifications']);
    await page.evaluate(() => {
      window.__notified = [];
      window.Notification = class extends Notification {
        constructor(title, options) {
          super(title, options);
          window.__notified.push(title);
        }
      };
    });
    await signIn(page, 'boss');
    const quiet = await shop.order(shop.cities[0]);
    await card(page, quiet.id).waitFor();
    assert.equal(await board.tones(), 0, 'no sound before the user turns it on');
    const toggle = page.locator('button[data-sound]');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const afterToggle = await board.tones(); // the toggle plays a sample
    // Confirm the quiet order, so that its alerts stop.
    await card(page, quiet.id).locator('button[data-to-status=confirmed]').click();
    await page.locator(`[data-column=confirmed] [data-order-id="${quiet.id}"]`).waitFor();

    await page.evaluate(() => Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true }));
    const o = await shop.order(shop.cities[0]);
    await card(page, o.id).waitFor();
    await page.waitForFunction((n) => window.__tones > n, afterToggle);
    const afterNew = await board.tones();
    await page.locator(`[data-order-id="${o.id}"][data-unattended]`).waitFor({ timeout: 5000 });
    await page.waitForFunction((n) => window.__tones > n, afterNew);
    // Alerts repeat while the order waits, and each rings.
    const afterFirstAlert = await board.tones();
    await page.waitForFunction((n) => window.__tones > n, afterFirstAlert, { timeout: 5000 });
    const notified = await page.evaluate(() => window.__notified);
    assert.ok(notified.some((t) => t.includes(o.order_number)) && notified.length >= 2, notified.join(' | '));

    // Confirmed, the mark goes.
    await card(page, o.id).locator('button[data-to-status=confirmed]').click();
    await page.locator(`[data-column=confirmed] [data-order-id="${o.id}"]`).waitFor();
    assert.equal(await card(page, o.id).getAttribute('data-unattended'), null);

    // The choice is remembered.
    await page.reload();
    await page.waitForSelector('[data-connection=connected]');
    assert.equal(await page.locator('button[data-sound]').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});

test('an admin sees a failed sync (Gulyash answering 503) and the retry re-queues it until it is delivered', async () => {
  const gulyash = await startGulyash();
  gulyash.setMode('fail');
  const srv = await startServer([], { GULYASH_URL: gulyash.url, GULYASH_MAX_ATTEMPTS: '1' });
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const board = await openPage(browser, srv);
    const { page } = board;
    await signIn(page, 'boss');
    const o = await shop.order(shop.cities[0]);
    const failed = page.locator(`[data-failed-sync="${o.id}"]`);
    await failed.waitFor({ timeout: 10000 });
    assert.match(await failed.textContent(), /HTTP 503/);
    gulyash.setMode('ok');
    const delivered = gulyash.received.length;
    await failed.locator('button[data-retry]').click();
    await failed.waitFor({ state: 'detached' });
    await gulyash.waitFor(delivered + 1);
    assert.equal(gulyash.received.at(-1).answered, 200);
    assert.equal(gulyash.received.at(-1).body.id, o.id);
    // Delivered: the list on the server is empty, and the board does not bring it back.
    const left = await api(srv, 'GET', '/api/sync/failed', token(1, 'admin'));
    assert.deepEqual(left.body.failed, []);
    await page.reload();
    await page.locator('.syncs-panel .empty').waitFor();
    assert.equal(await failed.count(), 0);
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
    await gulyash.stop();
  }
});

test('staff online per city counts a manager who connects', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    const [moscow, kazan] = shop.cities;
    await addStaff(srv, 'boss', 'admin');
    const managerId = await addStaff(srv, 'anna', 'manager', 'a long password', [kazan]);
    const board = await openPage(browser, srv);
    const { page } = board;
    await signIn(page, 'boss');
    const online = (city) => page.locator(`[data-managers-online="${city}"]`);
    await online(kazan).waitFor();
    assert.equal(await online(kazan).textContent(), '0');
    const anna = await Client.connect(srv.wsUrl(token(managerId, 'manager')));
    await anna.next();
    await page.waitForFunction((city) => document.querySelector(`[data-managers-online="${city}"]`)?.textContent === '1', kazan, { timeout: 15000 });
    assert.equal(await online(moscow).textContent(), '0');
    anna.close();
    await page.waitForFunction((city) => document.querySelector(`[data-managers-online="${city}"]`)?.textContent === '0', kazan, { timeout: 15000 });
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});

test('the staff page creates a manager who can then sign in, changes her cities and removes her', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    const [moscow, kazan] = shop.cities;
    await addStaff(srv, 'boss', 'admin');
    const inMoscow = await shop.order(moscow);
    const inKazan = await shop.order(kazan);
    const admin = await openPage(browser, srv);
    await signIn(admin.page, 'boss');
    await admin.page.click('a[href="#staff"]');
    const form = admin.page.locator('form[data-add-staff]');
    await form.locator('input[name=login]').fill('Olga');
    await form.locator('input[name=password]').fill('short');
    await form.locator(`input[name=city][value="${moscow}"]`).check();
    await form.locator('button[type=submit]').click();
    assert.equal(await admin.page.locator('tr', { hasText: 'Olga' }).count(), 0, 'the browser keeps a too-short password');
    await form.locator('input[name=password]').fill('olga password 1');
    await form.locator('button[type=submit]').click();
    const row = admin.page.locator('tr', { hasText: 'Olga' });
    await row.waitFor();
    // The same login again: the server's refusal is shown.
    await form.locator('input[name=login]').fill('olga');
    await form.locator('input[name=password]').fill('olga password 2');
    await form.locator('button[type=submit]').click();
    await admin.page.locator('[role=alert]').first().waitFor();

    const olga = await openPage(browser, srv);
    await signIn(olga.page, 'Olga', 'olga password 1');
    await card(olga.page, inMoscow.id).waitFor();
    assert.equal(await card(olga.page, inKazan.id).count(), 0);

    // Kazan as well: after a reload she sees its orders.
    const staffId = Number(await row.getAttribute('data-staff-id'));
    await row.locator(`input[value="${kazan}"]`).check();
    await row.locator('button[data-save-cities]').click();
    await admin.page.waitForFunction(([id, city]) => document.querySelector(`tr[data-staff-id="${id}"] input[value="${city}"]`)?.checked, [staffId, kazan]);
    const me = await api(srv, 'GET', '/api/staff', token(1, 'admin'));
    assert.deepEqual(me.body.staff.find((s) => s.id === staffId).cityIds.sort(), [moscow, kazan].sort());
    await olga.page.reload();
    await card(olga.page, inKazan.id).waitFor();

    // Removed: the first press asks, the second removes; her board is signed out.
    const remove = admin.page.locator(`tr[data-staff-id="${staffId}"] button[data-remove-staff]`);
    await remove.click();
    assert.equal(await admin.page.locator(`tr[data-staff-id="${staffId}"]`).count(), 1);
    await remove.click();
    await admin.page.locator(`tr[data-staff-id="${staffId}"]`).waitFor({ state: 'detached' });
    await olga.page.waitForSelector('[data-connection=signed-out]', { timeout: 10000 });
    assert.deepEqual(await admin.problems([/status of 409 \(Conflict\)/]), []);
    assert.deepEqual(await olga.problems([/status of 401 \(Unauthorized\)/]), []);
  } finally {
    await srv.stop();
  }
});

test('admin and ceo filter the board by city; the choice is remembered', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    const [moscow, kazan] = shop.cities;
    await addStaff(srv, 'ceo', 'ceo');
    const a = await shop.order(moscow);
    const b = await shop.order(kazan);
    const board = await openPage(browser, srv);
    const { page } = board;
    await signIn(page, 'ceo');
    await card(page, b.id).waitFor();
    await page.selectOption('select[name=city]', String(moscow));
    assert.equal(await card(page, b.id).isVisible(), false);
    assert.equal(await card(page, a.id).isVisible(), true);
    assert.equal(await page.locator('[data-column=pending] .count').textContent(), '1');
    const c = await shop.order(kazan);
    await card(page, c.id).waitFor({ state: 'attached' });
    assert.equal(await card(page, c.id).isVisible(), false);
    await page.reload();
    await card(page, a.id).waitFor();
    assert.equal(await page.locator('select[name=city]').inputValue(), String(moscow));
    assert.equal(await card(page, b.id).isVisible(), false);
    await board.screenshot('board-ceo');
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});
