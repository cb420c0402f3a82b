// The staff board at GET / (docs/protocol.md §12.3) in headless Chromium: signing in, orders
// kept current from events alone, moves and their refusals, reconnecting across a restart,
// the headers and hashed assets of §12, text never turned into markup, a phone's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, addStaff, api, sign, startServer, token } from './lib/server.mjs';
import { freePort } from './lib/ports.mjs';
import { launchChromium } from './lib/browser.mjs';
import { card, openPage, seedShop, signIn } from './lib/pages.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('GET / is the board with the headers of §12; every asset it loads has a content-hashed name kept a year', async () => {
  const srv = await startServer();
  try {
    const res = await fetch(`${srv.base}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline script, no eval');
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    // Follow every asset the page names, and every module those import.
    const seen = new Set();
    const queue = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(queue.length >= 3, html);
    while (queue.length) {
      const url = queue.shift();
      if (seen.has(url)) continue;
      seen.add(url);
      const asset = await fetch(`${srv.base}${url}`);
      assert.equal(asset.status, 200, url);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', url);
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff', url);
      const bytes = Buffer.from(await asset.arrayBuffer());
      const hash = /\.([0-9a-f]{16})\.[a-z]+$/.exec(url)?.[1];
      assert.equal(hash, crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16), `${url} is named by its bytes`);
      assert.match(asset.headers.get('content-type'), url.endsWith('.js') ? /^text\/javascript/ : url.endsWith('.css') ? /^text\/css/ : /^image\/svg/);
      if (url.endsWith('.js')) {
        const text = bytes.toString();
        for (const m of text.matchAll(/from\s+'([^']+)'/g)) {
          assert.match(m[1], /^\/assets\/.+\.[0-9a-f]{16}\.js$/, `${url} imports ${m[1]} by its hashed name`);
          queue.push(m[1]);
        }
      }
    }
    assert.ok([...seen].some((u) => /^\/assets\/js\/ordercast\./.test(u)), 'the board loads the official client');
    const again = await fetch(`${srv.base}${[...seen][0]}`, { headers: { 'if-none-match': `"${/\.([0-9a-f]{16})\./.exec([...seen][0])[1]}"` } });
    assert.equal(again.status, 304);
    const unknown = await fetch(`${srv.base}/assets/board/main.0000000000000000.js`);
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error, 'not-found');
    const head = await fetch(`${srv.base}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  } finally {
    await srv.stop();
  }
});

test('a manager sees only her cities; a new order appears within 1 s with no list reload; a move reaches the customer; a stale move shows the 409', async () => {
  const srv = await startServer();
  const customer = await Client.connect(srv.wsUrl(token(10, 'user')));
  try {
    const shop = await seedShop(srv);
    const [moscow, kazan] = shop.cities;
    await addStaff(srv, 'anna', 'manager', 'a long password', [moscow]);
    const mine = await shop.order(moscow);
    const theirs = await shop.order(kazan);
    const board = await openPage(browser, srv);
    const { page } = board;
    // Drops, on request, the board's copy of one order's status event: a board left stale.
    let dropFor = null;
    await page.routeWebSocket(/.*/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        const msg = JSON.parse(m);
        if (msg.type === 'order-status-updated' && msg.data.orderId === dropFor) return;
        ws.send(m);
      });
    });
    await page.reload();
    await signIn(page, 'anna');
    await card(page, mine.id).waitFor();
    assert.equal(await card(page, theirs.id).count(), 0, 'another city\'s order is not hers');
    const listed = () => board.requests.filter((u) => u.includes('/api/orders?')).length;
    const loads = listed();

    const placedAt = Date.now();
    const kazanOrder = await shop.order(kazan);
    const fresh = await shop.order(moscow, { comment: 'no onions' });
    await card(page, fresh.id).waitFor({ timeout: 1000 });
    console.log(`a new order reached the board ${Date.now() - placedAt} ms after it was placed`);
    assert.equal(await card(page, fresh.id).getAttribute('data-status'), 'pending');
    assert.equal(await card(page, fresh.id).getAttribute('data-city-id'), String(moscow));
    assert.equal(await page.locator(`[data-column=pending] [data-order-id="${fresh.id}"]`).count(), 1);
    assert.equal(await card(page, kazanOrder.id).count(), 0);
    assert.match(await card(page, fresh.id).textContent(), /no onions/);
    assert.equal(await page.locator('[data-column=pending] .count').textContent(), '2');

    // A move: the card moves, and the customer's socket hears of it.
    await customer.next(); // connected
    await card(page, fresh.id).locator('button[data-to-status=confirmed]').click();
    await page.locator(`[data-column=confirmed] [data-order-id="${fresh.id}"]`).waitFor();
    let heard;
    do heard = await customer.next(5000); while (heard.type !== 'order-status-updated' || heard.data.orderId !== fresh.id);
    assert.equal(heard.data.newStatus, 'confirmed');
    assert.deepEqual(await card(page, fresh.id).locator('button[data-to-status]').evaluateAll((bs) => bs.map((b) => b.dataset.toStatus)), ['preparing', 'cancelled']);

    // Someone else confirms `mine`; this board does not hear of it and still offers Confirm.
    dropFor = mine.id;
    assert.equal((await api(srv, 'PATCH', `/api/orders/${mine.id}/status`, token(1, 'admin'), { status: 'confirmed' })).status, 200);
    const refused = await api(srv, 'PATCH', `/api/orders/${mine.id}/status`, token(1, 'admin'), { status: 'confirmed' });
    assert.equal(refused.status, 409);
    await card(page, mine.id).locator('button[data-to-status=confirmed]').click();
    await page.locator('[role=alert]', { hasText: refused.body.message }).waitFor();
    // The refusal brought the card up to date (that order alone, no list reload).
    await page.locator(`[data-column=confirmed] [data-order-id="${mine.id}"]`).waitFor();
    assert.equal(listed(), loads, 'no list reload after the first load');
    assert.deepEqual(await board.problems([/^console error: Failed to load resource: .* 409 \(Conflict\)$/]), []);
  } finally {
    customer.close();
    await srv.stop();
  }
});

test('a card can be moved with the keyboard alone, and keeps the focus as it moves', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const o = await shop.order(shop.cities[0]);
    const { page, problems } = await openPage(browser, srv);
    await signIn(page, 'boss');
    await card(page, o.id).focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.toStatus), 'confirmed');
    await page.keyboard.press('Enter');
    await page.locator(`[data-column=confirmed] [data-order-id="${o.id}"]`).waitFor();
    await page.waitForFunction((id) => document.activeElement?.dataset.orderId === String(id), o.id);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator(`[data-column=preparing] [data-order-id="${o.id}"]`).waitFor();
    assert.equal((await api(srv, 'GET', `/api/orders/${o.id}`, token(1, 'admin'))).body.status, 'preparing');
    assert.deepEqual(await problems(), []);
  } finally {
    await srv.stop();
  }
});

test('killed and restarted under an open board: it reconnects by itself and shows the order placed meanwhile', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-board-'));
  const port = await freePort();
  const start = () => startServer(['--port', String(port)], {}, { dataDir: dir });
  let srv = await start();
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const first = await shop.order(shop.cities[0]);
    const board = await openPage(browser, srv);
    await signIn(board.page, 'boss');
    await card(board.page, first.id).waitFor();
    await srv.stop('SIGKILL');
    await board.page.waitForSelector('[data-connection=reconnecting]');
    srv = await start();
    const meanwhile = await shop.order(shop.cities[1]);
    await card(board.page, meanwhile.id).waitFor({ timeout: 30000 });
    await board.page.waitForSelector('[data-connection=connected]');
    assert.deepEqual((await board.connection()).slice(-3), ['connected', 'reconnecting', 'connected']);
    // Chromium logs each attempt the dead server refused.
    assert.deepEqual(await board.problems([/^console error: (WebSocket connection to .* failed|Failed to load resource): .*ERR_CONNECTION_REFUSED$/]), []);
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an order comment of <img src=x onerror=alert(1)> shows as those characters', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const evil = '<img src=x onerror=alert(1)>';
    const o = await shop.order(shop.cities[0], { comment: evil });
    const { page, problems } = await openPage(browser, srv);
    await signIn(page, 'boss');
    await card(page, o.id).waitFor();
    assert.equal(await card(page, o.id).locator('.comment').textContent(), evil);
    assert.equal(await page.locator('img').count(), 0);
    // The same arriving live, as an event.
    const live = await shop.order(shop.cities[0], { comment: evil });
    await card(page, live.id).waitFor();
    assert.equal(await card(page, live.id).locator('.comment').textContent(), evil);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(await problems(), []);
  } finally {
    await srv.stop();
  }
});

test('on a phone (390 px) nothing scrolls sideways; in Russian when the browser prefers it', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    for (let i = 0; i < 3; i++) await shop.order(shop.cities[i % 2], { comment: 'a comment long enough to wrap on a narrow screen, twice over and more' });
    const board = await openPage(browser, srv, { viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const { page } = board;
    await board.screenshot('board-signin-phone');
    await signIn(page, 'boss');
    await page.locator('[data-order-id]').first().waitFor();
    assert.equal(await page.locator('[data-column=pending] h2').evaluate((h) => h.firstChild.textContent), 'Новые');
    assert.equal(await page.locator('[data-connection]').textContent(), 'На связи');
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(await width() <= 390, `the board is ${await width()} px wide`);
    await board.screenshot('board-phone');
    await page.goto(`${srv.base}/#staff`);
    await page.locator('table.staff tbody tr').first().waitFor();
    assert.ok(await width() <= 390, `the staff page is ${await width()} px wide`);
    await board.screenshot('staff-phone');
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});

test('a token that runs out asks for the sign-in again, and the board carries on; sign-out signs out', async () => {
  const srv = await startServer(['--jwt-leeway-s', '0']);
  try {
    const shop = await seedShop(srv);
    const id = await addStaff(srv, 'boss', 'admin');
    const now = Math.floor(Date.now() / 1000);
    const short = sign({ userId: id, role: 'admin', iat: now, exp: now + 4 });
    const board = await openPage(browser, srv);
    const { page } = board;
    await page.fill('form[data-signin] input[name=token]', short);
    await page.click('form[data-signin] button[type=submit]');
    await page.waitForSelector('[data-connection=connected]');
    await page.waitForSelector('form[data-signin]:not([hidden])', { timeout: 15000 });
    assert.equal(await page.locator('[data-connection]').getAttribute('data-connection'), 'signed-out');
    const meanwhile = await shop.order(shop.cities[0]);
    await signIn(page, 'boss');
    await card(page, meanwhile.id).waitFor();
    assert.ok(await page.evaluate(() => sessionStorage.length) === 1 && await page.evaluate(() => localStorage.getItem('ordercast.board.token')) === null,
      'the token is kept for the tab only');
    await page.click('button[data-signout]');
    await page.waitForSelector('form[data-signin]:not([hidden])');
    assert.equal(await page.locator('[data-connection]').getAttribute('data-connection'), 'signed-out');
    assert.equal(await page.locator('[data-order-id]').isVisible().catch(() => false), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});

test('cards change colour past the waiting thresholds set on the page (on a kitchen TV)', async () => {
  const srv = await startServer();
  try {
    const shop = await seedShop(srv);
    await addStaff(srv, 'boss', 'admin');
    const board = await openPage(browser, srv, { viewport: { width: 1920, height: 1080 } });
    const { page } = board;
    await page.clock.install();
    await page.reload();
    await signIn(page, 'boss');
    await page.locator('details.settings summary').click();
    await page.fill('input[name=warnMin]', '2');
    await page.fill('input[name=lateMin]', '5');
    await page.locator('input[name=lateMin]').press('Tab');
    const o = await shop.order(shop.cities[0]);
    await card(page, o.id).waitFor();
    const colour = () => card(page, o.id).evaluate((el) => ['ok', 'warn', 'late'].find((l) => el.classList.contains(`wait-${l}`)));
    assert.equal(await colour(), 'ok');
    await page.clock.fastForward('02:05');
    await page.waitForFunction((id) => document.querySelector(`[data-order-id="${id}"]`).classList.contains('wait-warn'), o.id);
    assert.match(await card(page, o.id).locator('.wait').textContent(), /^2:0\d$/);
    await page.clock.fastForward('03:00');
    await page.waitForFunction((id) => document.querySelector(`[data-order-id="${id}"]`).classList.contains('wait-late'), o.id);
    // Remembered for this browser.
    await page.reload();
    assert.equal(await page.inputValue('input[name=lateMin]'), '5');
    await board.screenshot('board-tv');
    assert.deepEqual(await board.problems(), []);
  } finally {
    await srv.stop();
  }
});
