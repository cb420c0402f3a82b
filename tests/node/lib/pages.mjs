// What every test of a page the server serves (the board, the Mini App) watches: errors in the
// page or its console, Content-Security-Policy violations, requests to anywhere but the
// server, the sounds it starts and the states its connection indicator went through.
import fs from 'node:fs';
import path from 'node:path';
import { api, token } from './server.mjs';

export const screenshotDir = path.resolve(process.env.ORDERCAST_SCREENSHOTS ?? '../../build/screenshots');

// Runs in the page before its own scripts.
function recorders() {
  window.__csp = [];
  window.__tones = 0;
  window.__connection = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__tones += 1;
    return start.apply(this, args);
  };
  new MutationObserver(() => {
    const state = document.querySelector('[data-connection]')?.dataset.connection;
    if (state && window.__connection.at(-1) !== state) window.__connection.push(state);
  }).observe(document, { subtree: true, attributes: true, childList: true, attributeFilter: ['data-connection'] });
}

// A page of `browser` on `srv`, watched; `problems()` lists what went wrong in it so far.
// `before(page)` runs before the page loads (e.g. routes); `outside` lists the URLs off the
// server the page may request (the Mini App loads Telegram's script).
export async function openPage(browser, srv, { viewport = { width: 1280, height: 800 }, locale = 'en-US', path: at = '/', before, outside = [] } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  const origin = new URL(srv.base).host;
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('request', (r) => {
    requests.push(r.url());
    if (new URL(r.url()).host !== origin && !outside.includes(r.url())) problems.push(`request off the server: ${r.url()}`);
  });
  await page.addInitScript(recorders);
  await before?.(page);
  await page.goto(`${srv.base}${at}`);
  return {
    page,
    context,
    requests,
    // `expected`: patterns of messages the test caused on purpose (Chromium logs every
    // refused request, e.g. a 409, as a console error).
    async problems(expected = []) {
      const csp = await page.evaluate(() => window.__csp).catch(() => []);
      return [...problems, ...csp.map((v) => `CSP violation: ${v}`)].filter((p) => !expected.some((e) => e.test(p)));
    },
    tones: () => page.evaluate(() => window.__tones),
    connection: () => page.evaluate(() => window.__connection),
    async screenshot(name) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    },
  };
}

// Signs in on the board with a login and password, and waits for its socket to connect.
export async function signIn(page, login, password = 'a long password') {
  await page.fill('form[data-signin] input[name=login]', login);
  await page.fill('form[data-signin] input[name=password]', password);
  await page.click('form[data-signin] button[type=submit]');
  await page.waitForSelector('[data-connection=connected]');
}

// An order's card on the board (docs/protocol.md §12.3 hooks).
export const card = (page, id) => page.locator(`[data-order-id="${id}"]`);

// Two cities, a menu sold in both, and a customer's way to order.
export async function seedShop(srv) {
  const admin = token(1, 'admin');
  const cities = [];
  for (const name of ['Moscow', 'Kazan']) cities.push((await api(srv, 'POST', '/api/cities', admin, { name })).body.id);
  const items = [];
  for (const [name, price] of [['Borscht', 350], ['Pelmeni', 420.5]]) items.push((await api(srv, 'POST', '/api/menu', admin, { name, price })).body.id);
  return {
    cities,
    items,
    async order(cityId, { user = 10, comment, quantity = 1 } = {}) {
      const res = await api(srv, 'POST', '/api/orders', token(user, 'user'), {
        city_id: cityId, items: [{ menuItemId: items[0], quantity }, { menuItemId: items[1], quantity: 1 }], comment,
      });
      if (res.status !== 201) throw new Error(`order refused: ${JSON.stringify(res)}`);
      return res.body;
    },
  };
}
