// The customer's Mini App at GET /app (docs/protocol.md §12.4) in headless Chromium, with
// Telegram's script replaced by a stub that signs initData for the test's bot token and
// records MainButton and HapticFeedback: menu, cart, one order per checkout whatever the
// taps and retries, live status and bonuses, resuming across a WebView reload, outside
// Telegram, narrow screens and Russian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startServer, telegramInitData, token } from './lib/server.mjs';
import { launchChromium } from './lib/browser.mjs';
import { openPage, seedShop } from './lib/pages.mjs';
import { routeTelegram, telegramScript } from './lib/telegram-stub.mjs';

const BOT = '7000001:test-bot-token-for-the-mini-app-suite';
let browser;
let srv;
let shop;
let kazanOnly;
const admin = token(1, 'admin');
before(async () => {
  browser = await launchChromium();
  srv = await startServer([], { TELEGRAM_BOT_TOKEN: BOT });
  shop = await seedShop(srv);
  kazanOnly = (await api(srv, 'POST', '/api/menu', admin, { name: 'Chak-chak', price: 150, cityIds: [shop.cities[1]] })).body.id;
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The Mini App as Telegram user `id` opens it.
async function openApp(id, { language = 'en', viewport = { width: 390, height: 844 }, theme } = {}) {
  const user = { id, first_name: 'Ivan', language_code: language };
  const app = await openPage(browser, srv, {
    path: '/app', viewport, outside: [telegramScript],
    before: (page) => routeTelegram(page, { initData: telegramInitData(BOT, user), user, theme }),
  });
  await app.page.waitForSelector('[data-menu-item-id]');
  return app;
}

const calls = (page, name) => page.evaluate((n) => window.__tg.filter(([c]) => c === n), name);
const text = (page, selector) => page.locator(selector).textContent();
// The customer's id in ordercast for Telegram user `id` (a login creates it).
async function customerToken(id) {
  const res = await api(srv, 'POST', '/api/auth/telegram', null, { initData: telegramInitData(BOT, { id, first_name: 'Ivan' }) });
  return res.body.token;
}
const move = (orderId, status) => api(srv, 'PATCH', `/api/orders/${orderId}/status`, admin, { status });

test('GET /app carries the headers of §12; its CSP lets in Telegram\'s script and nothing else from outside', async () => {
  const res = await fetch(`${srv.base}/app`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self' https:\/\/telegram\.org\/js\/telegram-web-app\.js;/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors https:\/\/web\.telegram\.org/);
  const html = await res.text();
  assert.match(html, /<script src="https:\/\/telegram\.org\/js\/telegram-web-app\.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.match(html, /src="\/assets\/app\/main\.[0-9a-f]{16}\.js"/);
});

test('outside Telegram (no initData) the page says so, with no error and no request to the API', async () => {
  const app = await openPage(browser, srv, {
    path: '/app', viewport: { width: 390, height: 844 }, outside: [telegramScript],
    before: (page) => routeTelegram(page, { initData: '' }),
  });
  await app.page.locator('[data-outside]').waitFor();
  assert.match(await app.page.locator('[data-outside]').textContent(), /open it from the restaurant's bot/);
  assert.equal(await app.page.locator('.app').isVisible(), false);
  assert.deepEqual(app.requests.filter((u) => u.includes('/api/')), []);
  await app.screenshot('miniapp-outside-telegram');
  assert.deepEqual(await app.problems(), []);
});

test('a customer orders from her city\'s menu; taps and a lost answer make one order with one key; the status follows live; completing it shows the bonus earned', async () => {
  const app = await openApp(5001);
  const { page } = app;
  await page.click(`[data-city-id="${shop.cities[0]}"]`);
  await page.waitForSelector(`[data-menu-item-id="${shop.items[0]}"]`);
  assert.equal(await page.locator(`[data-menu-item-id="${kazanOnly}"]`).count(), 0, 'an item of another city');
  await page.click(`[data-menu-item-id="${shop.items[0]}"] button[data-add]`);
  await page.click(`[data-menu-item-id="${shop.items[0]}"] button[data-add]`);
  await page.click(`[data-menu-item-id="${shop.items[1]}"] button[data-add]`);
  assert.equal((await calls(page, 'impactOccurred')).length, 3, 'a haptic tap per add');
  await page.click('[data-tab=cart]');
  assert.equal(Number(await text(page, '[data-cart-total]')), 2 * 350 + 420.5);
  const main = await page.evaluate(() => ({ ...window.Telegram.WebApp.MainButton }));
  assert.equal(main.isVisible, true);
  assert.match(main.text, /1,120\.50/);
  assert.equal((await calls(page, 'BackButton.show')).length > 0, true);
  assert.ok((await calls(page, 'onEvent')).some(([, name]) => name === 'activated'), 'the client listens for Telegram\'s activated event');
  assert.deepEqual((await calls(page, 'ready')).length, 1);

  // Every checkout request, with its key; the first one's answer is lost on the way back.
  const keys = [];
  let lose = true;
  await page.route('**/api/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (lose) {
      lose = false;
      await route.fetch(); // the server takes the order...
      return route.abort('failed'); // ...and the answer never arrives
    }
    return route.continue();
  });
  await page.dblclick('button[data-checkout]');
  await page.locator('[role=alert]').first().waitFor();
  await page.evaluate(() => window.__pressMainButton()); // tapped again, on Telegram's button
  const card = page.locator('[data-screen=orders] [data-order-id]');
  await card.waitFor();
  assert.ok(keys.length >= 2 && keys.every((k) => k === keys[0]) && /^[0-9a-f]{32}$/.test(keys[0]), keys.join(' '));
  const mine = await api(srv, 'GET', '/api/orders', await customerToken(5001));
  assert.equal(mine.body.orders.length, 1, 'one order');
  const order = mine.body.orders[0];
  assert.equal(order.total, 1120.5);
  assert.equal(await card.getAttribute('data-order-id'), String(order.id));
  assert.ok((await calls(page, 'MainButton.showProgress')).length > 0);
  assert.ok((await calls(page, 'notificationOccurred')).some(([, kind]) => kind === 'success'));

  for (const status of ['confirmed', 'preparing', 'ready', 'delivering', 'completed']) {
    assert.equal((await move(order.id, status)).status, 200);
    await page.waitForSelector(`[data-order-id="${order.id}"][data-status="${status}"]`);
  }
  await page.locator(`[data-order-id="${order.id}"] .earned`).waitFor();
  const earned = (await api(srv, 'GET', '/api/bonuses', await customerToken(5001))).body.balance;
  assert.equal(earned, order.bonuses_earned);
  await page.waitForFunction((b) => document.querySelector('[data-bonus-balance]').textContent === String(b), earned);
  await app.screenshot('miniapp-orders');
  assert.deepEqual(await app.problems([/^console error: Failed to load resource: net::ERR_FAILED$/]), []);
});

test('a WebView reload misses nothing: the app shows what it had and resumes from its position', async () => {
  const app = await openApp(5002);
  const { page } = app;
  const tok = await customerToken(5002);
  const placed = await api(srv, 'POST', '/api/orders', tok, { city_id: shop.cities[0], items: [{ menuItemId: shop.items[0], quantity: 1 }] });
  await page.click('[data-tab=orders]');
  await page.waitForSelector(`[data-order-id="${placed.body.id}"][data-status=pending]`);
  // The WebView goes away; meanwhile the restaurant confirms; Telegram loads it again.
  const url = page.url();
  await page.goto('about:blank');
  await move(placed.body.id, 'confirmed');
  const before = app.requests.length;
  await page.goto(url);
  await page.click('[data-tab=orders]');
  await page.waitForSelector(`[data-order-id="${placed.body.id}"][data-status=confirmed]`);
  assert.deepEqual(app.requests.slice(before).filter((u) => u.includes('/api/orders')), [], 'no reload over HTTP: the event was replayed');
  // And it keeps following: another device's order, then a move.
  const other = await api(srv, 'POST', '/api/orders', tok, { city_id: shop.cities[0], items: [{ menuItemId: shop.items[1], quantity: 1 }] });
  await page.waitForSelector(`[data-order-id="${other.body.id}"][data-status=pending]`);
  await move(other.body.id, 'confirmed');
  await page.waitForSelector(`[data-order-id="${other.body.id}"][data-status=confirmed]`);
  assert.deepEqual(await app.problems(), []);
});

test('spending bonuses and cancelling return them, live; asking for too many shows the server\'s 422', async () => {
  const tok = await customerToken(5003);
  // A completed order earns the customer some bonuses.
  const first = await api(srv, 'POST', '/api/orders', tok, { city_id: shop.cities[0], items: [{ menuItemId: shop.items[1], quantity: 10 }] });
  for (const s of ['confirmed', 'preparing', 'ready', 'completed']) await move(first.body.id, s);
  const balance = (await api(srv, 'GET', '/api/bonuses', tok)).body.balance;
  assert.ok(balance > 100);
  const app = await openApp(5003);
  const { page } = app;
  await page.waitForFunction((b) => document.querySelector('[data-bonus-balance]').textContent === String(b), balance);
  await page.click(`[data-menu-item-id="${shop.items[0]}"] button[data-add]`);
  await page.click('[data-tab=cart]');
  await page.fill('input[name=bonuses]', String(balance + 1000));
  await page.click('button[data-checkout]');
  const refused = await api(srv, 'POST', '/api/orders', tok, { city_id: shop.cities[0], items: [{ menuItemId: shop.items[0], quantity: 1 }], bonuses_used: balance + 1000 });
  assert.equal(refused.status, 422);
  await page.locator('[role=alert]', { hasText: refused.body.message }).waitFor();

  await page.fill('input[name=bonuses]', '100');
  assert.equal(Number(await text(page, '[data-cart-total]')), 250);
  await page.click('button[data-checkout]');
  const card = page.locator('[data-screen=orders] [data-status=pending]');
  await card.waitFor();
  const spent = Math.round((balance - 100) * 100) / 100;
  await page.waitForFunction((b) => document.querySelector('[data-bonus-balance]').textContent === String(b), spent);
  await card.locator('button[data-cancel]').click();
  await page.locator('[data-screen=orders] [data-status=cancelled]').waitFor();
  await page.waitForFunction((b) => document.querySelector('[data-bonus-balance]').textContent === String(b), balance);
  assert.equal(await page.locator('[data-screen=orders] [data-status=cancelled] button[data-cancel]').count(), 0);
  assert.deepEqual(await app.problems([/^console error: Failed to load resource: .* 422 \(Unprocessable Entity\)$/]), []);
});

test('320 to 430 px wide without sideways scrolling; Russian from Telegram\'s language_code; Telegram\'s theme colours', async () => {
  for (const width of [320, 430]) {
    const app = await openApp(5004, { language: 'ru', viewport: { width, height: 800 }, theme: { 'bg-color': '#18222d', 'text-color': '#ffffff', 'button-color': '#2ea6ff' } });
    const { page } = app;
    assert.equal(await text(page, '[data-tab=menu]'), 'Меню');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(24, 34, 45)');
    assert.match(await page.locator('[data-menu-item-id] .price').first().textContent(), /₽/);
    await page.click(`[data-menu-item-id="${shop.items[1]}"] button[data-add]`);
    for (const tab of ['menu', 'cart', 'orders']) {
      await page.click(`[data-tab=${tab}]`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `${tab} at ${width} px is ${wide} px wide`);
      await app.screenshot(`miniapp-${tab}-${width}`);
    }
    assert.deepEqual(await app.problems(), []);
    await app.context.close();
  }
});
