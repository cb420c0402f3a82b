// The menu (docs/protocol.md §7) over HTTP with Node's fetch: who may change it, who sees what,
// orders priced from it whatever the request says, each unknown-item case, the old item
// form refused, a price change that leaves placed orders alone, and `ordercast menu import`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api, token } from './lib/server.mjs';

let server;
const admin = token(1, 'admin');
const ceo = token(2, 'ceo');
let moscow, kazan;
before(async () => {
  server = await startServer();
  moscow = (await api(server, 'POST', '/api/cities', admin, { name: 'Moscow' })).body.id;
  kazan = (await api(server, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
});
after(async () => { await server.stop(); });

const add = (body, tok = admin) => api(server, 'POST', '/api/menu', tok, body);
const patch = (id, body, tok = admin) => api(server, 'PATCH', `/api/menu/${id}`, tok, body);
const order = (who, body) => api(server, 'POST', '/api/orders', token(who, 'user'), body);

test('admins and the CEO manage the menu; everybody else gets 403', async () => {
  const created = await add({ name: 'Pelmeni', price: 450.5 });
  assert.equal(created.status, 201);
  assert.deepEqual({ ...created.body, id: undefined }, { id: undefined, name: 'Pelmeni', price: 450.5, cityIds: [], available: true });
  const byCeo = await add({ name: 'Shchi', price: 300, cityIds: [kazan] }, ceo);
  assert.equal(byCeo.status, 201);
  assert.deepEqual(byCeo.body.cityIds, [kazan]);
  for (const tok of [token(10, 'user'), token(20, 'manager', { cityIds: [moscow] }), token(900, 'service')]) {
    assert.equal((await add({ name: 'Kvass', price: 1 }, tok)).status, 403);
    assert.equal((await patch(created.body.id, { price: 1 }, tok)).status, 403);
  }
  const changed = await patch(created.body.id, { price: 470, cityIds: [moscow, kazan] });
  assert.equal(changed.status, 200);
  assert.deepEqual({ ...changed.body, id: undefined }, { id: undefined, name: 'Pelmeni', price: 470, cityIds: [moscow, kazan].sort((a, b) => a - b), available: true });
  assert.equal((await add({ name: 'pelmeni ', price: 1 })).body.error, 'menu-item-exists');
  assert.equal((await patch(byCeo.body.id, { name: 'PELMENI' })).status, 409);
});

test('customers see what is on sale in their city; staff see everything', async () => {
  const hidden = (await add({ name: 'Caviar', price: 9000 })).body;
  await patch(hidden.id, { available: false });
  const kazanOnly = (await add({ name: 'Chak-chak', price: 150, cityIds: [kazan] })).body;
  const names = async (tok, query = '') => (await api(server, 'GET', `/api/menu${query}`, tok)).body.items.map((i) => i.name);
  const customer = token(10, 'user');
  assert.ok((await names(admin)).includes('Caviar'));
  assert.ok(!(await names(customer)).includes('Caviar'), 'hidden from customers');
  assert.ok((await names(customer, `?city_id=${kazan}`)).includes('Chak-chak'));
  assert.ok(!(await names(customer, `?city_id=${moscow}`)).includes('Chak-chak'), 'not sold in Moscow');
  assert.ok((await names(token(21, 'manager', { cityIds: [kazan] }), `?city_id=${kazan}`)).includes('Caviar'));
  const item = (await api(server, 'GET', `/api/menu?city_id=${kazan}`, customer)).body.items.find((i) => i.id === kazanOnly.id);
  assert.deepEqual(item, { id: kazanOnly.id, name: 'Chak-chak', price: 150, cityIds: [kazan], available: true });
});

test('an order is priced from the menu, whatever the request says', async () => {
  const tea = (await add({ name: 'Tea', price: 90 })).body;
  const res = await order(30, { city_id: moscow, items: [{ menuItemId: tea.id, quantity: 3 }] });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body.items, [{ menuItemId: tea.id, name: 'Tea', price: 90, quantity: 3 }]);
  assert.equal(res.body.total, 270);
  assert.equal(res.body.bonuses_earned, 13.5);
  // The old form, or a price slipped in beside the menu item, is refused, not half-believed.
  for (const items of [[{ name: 'Tea', price: 1, quantity: 3 }], [{ menuItemId: tea.id, price: 1, quantity: 3 }], [{ menuItemId: tea.id, name: 'Free tea', quantity: 1 }]]) {
    const refused = await order(30, { city_id: moscow, items });
    assert.equal(refused.status, 400, JSON.stringify(items));
    assert.equal(refused.body.error, 'bad-items');
    assert.match(refused.body.message, /menu/);
  }
});

test('unknown-item names the item: missing, unavailable (by id only: its name is hidden from customers), or not sold in that city', async () => {
  const soup = (await add({ name: 'Ukha', price: 320 })).body;
  const off = (await add({ name: 'Okroshka', price: 280 })).body;
  await patch(off.id, { available: false });
  const elsewhere = (await add({ name: 'Echpochmak', price: 90, cityIds: [kazan] })).body;
  for (const [id, says] of [[999999, /menu item 999999 does not exist/], [off.id, new RegExp(`^menu item ${off.id} is not available$`)], [elsewhere.id, new RegExp(`Echpochmak.*not sold in city ${moscow}`)]]) {
    const res = await order(31, { city_id: moscow, items: [{ menuItemId: soup.id, quantity: 1 }, { menuItemId: id, quantity: 1 }] });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'unknown-item');
    assert.match(res.body.message, says);
  }
  assert.deepEqual((await api(server, 'GET', '/api/orders', token(31, 'user'))).body.orders, [], 'nothing was stored');
  assert.equal((await order(31, { city_id: kazan, items: [{ menuItemId: elsewhere.id, quantity: 2 }] })).body.total, 180);
});

test('changing or hiding a menu item leaves orders already placed, and their bonuses, as they were', async () => {
  const feast = (await add({ name: 'Feast', price: 1000 })).body;
  const placed = (await order(32, { city_id: moscow, items: [{ menuItemId: feast.id, quantity: 1 }] })).body;
  await patch(feast.id, { name: 'Banquet', price: 5000, available: false });
  for (const status of ['confirmed', 'preparing', 'ready', 'completed']) {
    assert.equal((await api(server, 'PATCH', `/api/orders/${placed.id}/status`, admin, { status })).status, 200);
  }
  const now = (await api(server, 'GET', `/api/orders/${placed.id}`, admin)).body;
  assert.deepEqual(now.items, placed.items);
  assert.equal(now.total, 1000);
  assert.equal((await api(server, 'GET', '/api/bonuses', token(32, 'user'))).body.balance, 50, '5 % of 1000, not of 5000');
});

test('ordercast menu import adds new items and updates those it names, in one step; ordercast city add', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-menu-'));
  try {
    const file = path.join(dir, 'menu.json');
    fs.writeFileSync(file, JSON.stringify([
      { name: 'tea', price: 95, available: false },
      { name: 'Kompot', price: 60.5, cityIds: [kazan] },
    ]));
    const run = (args) => spawnSync(process.env.ORDERCAST_BIN, ['menu', 'import', ...args, '--database-url', server.databaseUrl], { encoding: 'utf8' });
    const ok = run([file]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /1 added, 1 updated/);
    const items = (await api(server, 'GET', '/api/menu', admin)).body.items;
    const tea = items.find((i) => i.name.toLowerCase() === 'tea');
    assert.deepEqual({ name: tea.name, price: tea.price, available: tea.available }, { name: 'tea', price: 95, available: false },
      'the file is the source: its spelling, price and availability win');
    assert.deepEqual(items.find((i) => i.name === 'Kompot').cityIds, [kazan]);

    fs.writeFileSync(file, JSON.stringify([{ name: 'Fine', price: 1 }, { name: 'Broken', price: 1.001 }]));
    const bad = run([file]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /item 2: .*roubles/);
    assert.ok(!(await api(server, 'GET', '/api/menu', admin)).body.items.some((i) => i.name === 'Fine'), 'all or nothing');
    const city = spawnSync(process.env.ORDERCAST_BIN, ['city', 'add', ' Omsk ', '--database-url', server.databaseUrl], { encoding: 'utf8' });
    assert.equal(city.status, 0, city.stderr);
    const omsk = Number(/^city (\d+) \(Omsk\)$/m.exec(city.stdout)[1]);
    assert.ok((await api(server, 'GET', '/api/cities', admin)).body.cities.some((c) => c.id === omsk && c.name === 'Omsk'));
    assert.equal(spawnSync(process.env.ORDERCAST_BIN, ['city', 'add', 'OMSK', '--database-url', server.databaseUrl]).status, 2, 'names are unique');
    fs.writeFileSync(file, '{"not":"an array"}');
    assert.equal(run([file]).status, 2);
    assert.equal(run([path.join(dir, 'missing.json')]).status, 2);
    // One name twice in a file would merge silently; an endless file would take all memory.
    fs.writeFileSync(file, JSON.stringify([{ name: 'Borscht', price: 1 }, { name: ' borscht ', price: 2 }]));
    const twice = run([file]);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /appears twice in one import/);
    const endless = run(['/dev/zero']);
    assert.equal(endless.status, 2);
    assert.match(endless.stderr, /larger than 8 MiB/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Names people read on a screen: no NUL, escape or control characters, no bidi overrides
// that reverse what follows, no zero-width characters that make two names look alike.
test('menu and city names with control, bidi-override or zero-width characters are refused', async () => {
  for (const name of ['Tea\u0000', 'Tea\u001b[31m', 'Tea\u202Eaet', 'Te\u200Ba', 'Tea\u2066x', '\uFEFFTea', 'Tea\u0085']) {
    const item = await add({ name, price: 1 });
    assert.equal(item.status, 400, JSON.stringify(name));
    assert.equal(item.body.error, 'bad-name');
    const city = await api(server, 'POST', '/api/cities', admin, { name });
    assert.equal(city.status, 400, JSON.stringify(name));
    assert.equal(city.body.error, 'bad-name');
  }
  assert.equal((await add({ name: 'Чай с лимоном ☕', price: 1 })).status, 201, 'letters and symbols are fine');
});

test('available:false on create makes a hidden item', async () => {
  const hidden = await add({ name: 'Secret soup', price: 10, available: false });
  assert.equal(hidden.status, 201);
  assert.equal(hidden.body.available, false);
  const seen = (await api(server, 'GET', '/api/menu', token(55, 'user'))).body.items;
  assert.ok(!seen.some((i) => i.id === hidden.body.id), 'customers do not see it');
});
