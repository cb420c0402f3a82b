// docs/protocol.md §7 over real HTTP, with the events watched on real sockets (Node's ws).
import { test, before, after } from 'node:test';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, connectAs, Client, token, api, addStaff, telegramInitData, drainToFence, greeting, lines } from './lib/server.mjs';

const admin = token(1, 'admin');
let server;
let moscow;
let kazan;


async function addCity(srv, name) {
  const res = await api(srv, 'POST', '/api/cities', admin, { name });
  assert.equal(res.status, 201);
  return res.body.id;
}

async function advance(srv, id, ...statuses) {
  for (const status of statuses) {
    const res = await api(srv, 'PATCH', `/api/orders/${id}/status`, admin, { status });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

// Gives user `id` a balance of `roubles` by completing an order worth 20x that.
async function giveBonus(srv, id, roubles, city) {
  const res = await api(srv, 'POST', '/api/orders', token(id, 'user'), { city_id: city, items: await lines(srv, { name: 'Feast', price: roubles * 20, quantity: 1 }) });
  assert.equal(res.status, 201);
  await advance(srv, res.body.id, 'confirmed', 'preparing', 'ready', 'completed');
}

before(async () => {
  // The order rules under load; the per-customer rate limit has its own suite (security).
  server = await startServer(['--orders-per-minute', '10000']);
  moscow = await addCity(server, 'Moscow');
  kazan = await addCity(server, 'Kazan');
});
after(async () => { await server.stop(); });

test('an order and its status changes reach exactly the right sockets', async () => {
  const customer = await connectAs(server, 10, 'user');
  const other = await connectAs(server, 11, 'user');
  const boss = await connectAs(server, 1, 'admin');
  const local = await connectAs(server, 20, 'manager', { cityIds: [moscow] });
  const remote = await connectAs(server, 21, 'manager', { cityIds: [kazan] });

  const created = await api(server, 'POST', '/api/orders', token(10, 'user'), {
    city_id: moscow, items: await lines(server, { name: 'Pelmeni', price: 450.5, quantity: 2 }, { name: 'Kvas', price: 99, quantity: 1 }), comment: 'ring twice',
  });
  assert.equal(created.status, 201);
  const order = created.body;
  assert.equal(order.total, 1000);
  assert.equal(order.bonuses_earned, 50);
  assert.equal(order.status, 'pending');
  assert.equal(order.user_id, 10);
  assert.equal(typeof order.order_number, 'string');

  await advance(server, order.id, 'confirmed');

  const mine = await drainToFence(server, customer, 'user-10');
  assert.deepEqual(mine.map((m) => m.type), ['order-created', 'order-status-updated']);
  assert.deepEqual(mine[0].data, order);
  const update = mine[1].data;
  assert.deepEqual({ ...update, timestamp: undefined }, { orderId: order.id, newStatus: 'confirmed', oldStatus: 'pending', timestamp: undefined });
  assert.match(update.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (const staff of [boss, local]) {
    const seen = await drainToFence(server, staff, staff === boss ? 'admin-orders' : `city-${moscow}-orders`);
    assert.deepEqual(seen.map((m) => m.type), ['new-order', 'order-status-updated']);
    assert.deepEqual(seen[0].data, order);
  }
  assert.deepEqual(await drainToFence(server, other, 'user-11'), []);
  assert.deepEqual(await drainToFence(server, remote, `city-${kazan}-orders`), []);

  await advance(server, order.id, 'preparing', 'ready', 'completed');
  const after = await drainToFence(server, customer, 'user-10');
  assert.deepEqual(after.map((m) => m.type), ['order-status-updated', 'order-status-updated', 'order-status-updated', 'bonus-updated']);
  assert.equal(after[3].data.balance, 50);
  assert.deepEqual(after[3].data.operation, { type: 'earned', amount: 50, orderId: order.id });
  await Promise.all([customer, other, boss, local, remote].map((c) => c.close()));
});

test('spending, refunds and the ledger agree', async () => {
  await giveBonus(server, 30, 150.5, moscow);
  const user = token(30, 'user');
  const spend = await api(server, 'POST', '/api/orders', user, { city_id: moscow, items: await lines(server, { name: 'Soup', price: 300, quantity: 1 }), bonuses_used: 100.25 });
  assert.equal(spend.status, 201);
  assert.equal(spend.body.total, 199.75);
  assert.equal(spend.body.bonuses_used, 100.25);
  let bonuses = await api(server, 'GET', '/api/bonuses', user);
  assert.equal(bonuses.body.balance, 50.25);
  const cancel = await api(server, 'PATCH', `/api/orders/${spend.body.id}/status`, user, { status: 'cancelled' });
  assert.equal(cancel.status, 200);
  bonuses = await api(server, 'GET', '/api/bonuses', user);
  assert.equal(bonuses.body.balance, 150.5);
  assert.deepEqual(bonuses.body.operations.map((o) => o.type), ['refunded', 'used', 'earned']);
  const ledger = bonuses.body.operations.reduce((sum, o) => sum + (o.type === 'used' ? -o.amount : o.amount), 0);
  assert.equal(Math.round(ledger * 100), 15050);
});

test('ten simultaneous requests spending the same bonuses: exactly one succeeds (SQLite serialises them; the real race runs on PostgreSQL in the contract suite)', async () => {
  await giveBonus(server, 40, 100, moscow);
  const user = token(40, 'user');
  const pie = await lines(server, { name: 'Pie', price: 500, quantity: 1 });
  const attempts = await Promise.all(Array.from({ length: 10 }, () => api(server, 'POST', '/api/orders', user, {
    city_id: moscow, items: pie, bonuses_used: 100,
  })));
  assert.deepEqual(attempts.map((a) => a.status).sort(), [201, ...Array(9).fill(422)]);
  for (const a of attempts.filter((x) => x.status === 422)) assert.equal(a.body.error, 'insufficient-bonuses');
  const bonuses = await api(server, 'GET', '/api/bonuses', user);
  assert.equal(bonuses.body.balance, 0);
  assert.equal(bonuses.body.operations.filter((o) => o.type === 'used').length, 1);
});

test('ten simultaneous completions credit bonuses once (serialised by SQLite; raced on PostgreSQL in the contract suite)', async () => {
  const created = await api(server, 'POST', '/api/orders', token(50, 'user'), { city_id: moscow, items: await lines(server, { name: 'Cake', price: 2000, quantity: 1 }) });
  await advance(server, created.body.id, 'confirmed', 'preparing', 'ready');
  const attempts = await Promise.all(Array.from({ length: 10 }, () => api(server, 'PATCH', `/api/orders/${created.body.id}/status`, admin, { status: 'completed' })));
  assert.deepEqual(attempts.map((a) => a.status).sort(), [200, ...Array(9).fill(409)]);
  const bonuses = await api(server, 'GET', '/api/bonuses', token(50, 'user'));
  assert.equal(bonuses.body.balance, 100);
  assert.equal(bonuses.body.operations.length, 1);
});

test('reading orders: who sees what, newest first, with a cursor', async () => {
  const u = token(60, 'user');
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await api(server, 'POST', '/api/orders', u, { city_id: kazan, items: await lines(server, { name: `Dish ${i}`, price: 10 }) })).body.id);
  }
  const page1 = await api(server, 'GET', '/api/orders?limit=3', u);
  assert.deepEqual(page1.body.orders.map((o) => o.id), ids.slice(2).reverse());
  const page2 = await api(server, 'GET', `/api/orders?limit=3&before=${page1.body.next_before}`, u);
  assert.deepEqual(page2.body.orders.map((o) => o.id), ids.slice(0, 2).reverse());
  assert.equal(page2.body.next_before, null);
  // A last page that is exactly full says so: no cursor to an empty page.
  const whole = await api(server, 'GET', '/api/orders?limit=5', u);
  assert.equal(whole.body.orders.length, 5);
  assert.equal(whole.body.next_before, null);
  assert.equal((await api(server, 'GET', '/api/orders?limit=4', u)).body.next_before, ids[1]);
  assert.equal((await api(server, 'GET', `/api/orders/${ids[0]}`, u)).status, 200);
  assert.equal((await api(server, 'GET', `/api/orders/${ids[0]}`, token(61, 'user'))).status, 404);
  assert.equal((await api(server, 'GET', `/api/orders/${ids[0]}`, token(62, 'manager', { cityIds: [kazan] }))).status, 200);
  assert.equal((await api(server, 'GET', `/api/orders/${ids[0]}`, token(63, 'manager', { cityIds: [moscow] }))).status, 404);
  const kazanOnly = await api(server, 'GET', `/api/orders?city_id=${kazan}&status=pending&limit=100`, admin);
  assert.ok(kazanOnly.body.orders.every((o) => o.city_id === kazan && o.status === 'pending'));
  assert.ok(kazanOnly.body.orders.length >= 5);
  const managerView = await api(server, 'GET', '/api/orders?limit=100', token(63, 'manager', { cityIds: [moscow] }));
  assert.ok(managerView.body.orders.every((o) => o.city_id === moscow));
});

test('bad requests get clear errors', async () => {
  const u = token(70, 'user');
  const x = await lines(server, { name: 'x', price: 1 });
  const cases = [
    ['POST', '/api/orders', u, '{nope', 400, 'bad-json'],
    ['POST', '/api/orders', u, { items: [] }, 400, 'bad-request'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ name: 'x', price: 1, quantity: 1 }] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ ...x[0], price: 0.01 }] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ menuItemId: x[0].menuItemId, quantity: 1001 }] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ menuItemId: 0, quantity: 1 }] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ menuItemId: '1', quantity: 1 }] }, 400, 'bad-items'],
    ['POST', '/api/orders', u, { city_id: moscow, items: [{ menuItemId: 99999, quantity: 1 }] }, 422, 'unknown-item'],
    ['POST', '/api/orders', u, { city_id: moscow, items: x, bonuses_used: -5 }, 400, 'bad-bonuses'],
    ['POST', '/api/orders', u, { city_id: 9999, items: x }, 422, 'unknown-city'],
    ['POST', '/api/orders', u, { city_id: moscow, items: x, bonuses_used: 2 }, 422, 'bonuses-exceed-subtotal'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: 1.005 }, 400, 'bad-price'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: -1 }, 400, 'bad-price'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: '100' }, 400, 'bad-price'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: 10000000.01 }, 400, 'bad-price'],
    ['POST', '/api/menu', admin, { name: 'Soup' }, 400, 'bad-price'],
    ['POST', '/api/menu', admin, { name: '  ', price: 1 }, 400, 'bad-name'],
    ['POST', '/api/menu', admin, { name: 'y'.repeat(201), price: 1 }, 400, 'bad-name'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: 1, cityIds: 'all' }, 400, 'bad-cities'],
    ['POST', '/api/menu', admin, { name: 'Soup', price: 1, cityIds: [9999] }, 422, 'unknown-city'],
    ['POST', '/api/menu', admin, { name: ' X ', price: 1 }, 409, 'menu-item-exists'],
    ['POST', '/api/menu', u, { name: 'Soup', price: 1 }, 403, 'forbidden'],
    ['POST', '/api/menu', token(64, 'manager', { cityIds: [moscow] }), { name: 'Soup', price: 1 }, 403, 'forbidden'],
    ['POST', '/api/menu', token(900, 'service'), { name: 'Soup', price: 1 }, 403, 'forbidden'],
    ['PATCH', `/api/menu/${x[0].menuItemId}`, u, { price: 0 }, 403, 'forbidden'],
    ['PATCH', '/api/menu/99999', admin, { price: 1 }, 404, 'not-found'],
    ['PATCH', `/api/menu/${x[0].menuItemId}`, admin, { available: 'no' }, 400, 'bad-available'],
    ['GET', '/api/menu?city_id=abc', u, undefined, 400, 'bad-query'],
    ['GET', '/api/menu?city_id=9999', u, undefined, 404, 'not-found'],
    ['GET', '/api/menu', null, undefined, 401, 'unauthorized'],
    ['POST', '/api/orders', null, { city_id: moscow, items: [] }, 401, 'unauthorized'],
    ['PATCH', '/api/orders/999999/status', admin, { status: 'confirmed' }, 404, 'not-found'],
    ['PATCH', '/api/orders/1/status', admin, { status: 'shipped' }, 400, 'bad-status'],
    ['GET', '/api/orders?status=lost', u, undefined, 400, 'bad-status'],
    ['GET', '/api/orders?limit=0', u, undefined, 400, 'bad-query'],
    ['POST', '/api/cities', u, { name: 'Omsk' }, 403, 'forbidden'],
    ['POST', '/api/cities', admin, { name: 'Moscow' }, 409, 'city-exists'],
    ['PUT', '/api/managers/5/cities', admin, [moscow], 404, 'not-found'],
    ['PUT', `/api/managers/${await staffId(server, 'vera', 'manager')}/cities`, admin, [9999], 422, 'unknown-city'],
    ['PUT', `/api/managers/${await staffId(server, 'boris', 'admin')}/cities`, admin, [moscow], 409, 'not-a-manager'],
    ['PUT', '/api/managers/5/cities', u, [moscow], 403, 'forbidden'],
    ['DELETE', '/api/orders', u, undefined, 405, 'method-not-allowed'],
  ];
  for (const [method, url, tok, body, status, code] of cases) {
    const res = await api(server, method, url, tok, body);
    assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, code, `${method} ${url}`);
    assert.equal(typeof res.body.message, 'string');
  }
  const done = (await api(server, 'POST', '/api/orders', u, { city_id: moscow, items: await lines(server, { name: 'x', price: 1, quantity: 1 }) })).body;
  await advance(server, done.id, 'cancelled');
  const again = await api(server, 'PATCH', `/api/orders/${done.id}/status`, admin, { status: 'confirmed' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error, 'invalid-transition');
  assert.deepEqual((await api(server, 'GET', '/api/cities', u)).body.cities.map((c) => c.name), ['Moscow', 'Kazan']);
});

test('changing a manager\'s cities moves their open sockets between rooms at once', async () => {
  const id = await staffId(server, 'mira', 'manager');
  const manager = await connectAs(server, id, 'manager');  // the token names no cities
  const set = await api(server, 'PUT', `/api/managers/${id}/cities`, admin, [kazan]);
  assert.deepEqual(set.body, { userId: id, cityIds: [kazan] });
  await api(server, 'POST', '/api/orders', token(81, 'user'), { city_id: kazan, items: await lines(server, { name: 'x', price: 1, quantity: 1 }) });
  let seen = await drainToFence(server, manager, `user-${id}`);
  assert.deepEqual(seen.map((m) => m.type), ['new-order']);
  await api(server, 'PUT', `/api/managers/${id}/cities`, admin, [moscow]);
  await api(server, 'POST', '/api/orders', token(81, 'user'), { city_id: kazan, items: await lines(server, { name: 'x', price: 1, quantity: 1 }) });
  seen = await drainToFence(server, manager, `user-${id}`);
  assert.deepEqual(seen, [], 'no longer in the Kazan room');
  // A new socket of the same manager finds its cities in the database.
  const fresh = await connectAs(server, id, 'manager');
  const join = await fresh.request({ type: 'join-room', data: { roomId: `city-${moscow}-orders` } });
  assert.equal(join.type, 'room-joined');
  await Promise.all([manager.close(), fresh.close()]);
});

test('kill -9 keeps every committed order, status and balance', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-restart-'));
  try {
    let srv = await startServer([], {}, { dataDir });
    const city = await addCity(srv, 'Sochi');
    await giveBonus(srv, 90, 40, city);
    const u = token(90, 'user');
    const a = (await api(srv, 'POST', '/api/orders', u, { city_id: city, items: await lines(srv, { name: 'x', price: 100, quantity: 1 }), bonuses_used: 15 })).body;
    await advance(srv, a.id, 'confirmed', 'preparing');
    const before = { orders: (await api(srv, 'GET', '/api/orders?limit=100', u)).body, bonuses: (await api(srv, 'GET', '/api/bonuses', u)).body };
    assert.deepEqual((await srv.stop('SIGKILL')).signal, 'SIGKILL');
    srv = await startServer([], {}, { dataDir });
    const after = { orders: (await api(srv, 'GET', '/api/orders?limit=100', u)).body, bonuses: (await api(srv, 'GET', '/api/bonuses', u)).body };
    assert.deepEqual(after, before);
    assert.equal(after.bonuses.balance, 25);
    assert.equal(after.orders.orders[0].status, 'preparing');
    await srv.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

const staffId = (srv, login, role, cities = []) => addStaff(srv, login, role, 'a long password', cities);

test('staff log in with Argon2id passwords; wrong and unknown answer alike, slowly', async () => {
  await addStaff(server, 'anna', 'manager', 'correct horse battery', [moscow]);
  const ok = await api(server, 'POST', '/api/auth/login', null, { login: 'anna', password: 'correct horse battery' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.user.role, 'manager');
  assert.deepEqual(ok.body.user.cityIds, [moscow]);
  const socket = await Client.connect(server.wsUrl(ok.body.token));
  assert.deepEqual(greeting(await socket.next()), { type: 'connected', data: { userId: ok.body.user.id, role: 'manager' } });
  await socket.close();
  // Who am I: the server's view of her cities, and her login; a manager the database holds
  // is judged by the database, whatever her token says.
  const me = await api(server, 'GET', '/api/me', ok.body.token);
  assert.deepEqual(me.body, { userId: ok.body.user.id, role: 'manager', cityIds: [moscow], login: 'anna' });
  assert.equal((await api(server, 'PUT', `/api/managers/${ok.body.user.id}/cities`, token(1, 'admin'), [kazan])).status, 200);
  assert.deepEqual((await api(server, 'GET', '/api/me', ok.body.token)).body.cityIds, [kazan], 'her cities changed: /api/me says so at once');
  assert.deepEqual((await api(server, 'GET', '/api/me', token(7, 'admin'))).body, { userId: 7, role: 'admin', cityIds: [] });
  assert.deepEqual((await api(server, 'GET', '/api/me', token(8, 'manager', { cityIds: [moscow] }))).body, { userId: 8, role: 'manager', cityIds: [moscow] });
  assert.equal((await api(server, 'GET', '/api/me', 'not-a-token')).status, 401);

  const timed = async (login) => {
    const t0 = Date.now();
    const res = await api(server, 'POST', '/api/auth/login', null, { login, password: 'wrong horse' });
    return { res, ms: Date.now() - t0 };
  };
  const { res: wrong, ms: wrongMs } = await timed('anna');
  const { res: unknown, ms: unknownMs } = await timed('nobody');
  assert.ok(wrongMs >= 400 && unknownMs >= 400, `each failure waits: ${wrongMs} / ${unknownMs} ms`);
  // An unknown login is checked against a decoy hash: the two take alike.
  assert.ok(Math.abs(wrongMs - unknownMs) < 250, `wrong password ${wrongMs} ms, unknown login ${unknownMs} ms`);
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, unknown.body);
  assert.equal(wrong.body.error, 'invalid-credentials');
  assert.equal((await api(server, 'POST', '/api/auth/login', null, { login: 'anna' })).status, 400);
  await assert.rejects(addStaff(server, 'anna', 'admin', 'another password'), /taken/);
});

test('Telegram Mini App initData logs a customer in', async () => {
  const botToken = '123456:TEST-bot-token-for-ordercast';
  const tg = await startServer([], { TELEGRAM_BOT_TOKEN: botToken });
  try {
    const initData = telegramInitData(botToken, { id: 279058397, first_name: 'Vlad', username: 'vdkfrost' });
    const res = await api(tg, 'POST', '/api/auth/telegram', null, { initData });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.user.first_name, 'Vlad');
    assert.equal(res.body.user.telegram_id, 279058397);
    const again = await api(tg, 'POST', '/api/auth/telegram', null, { initData });
    assert.equal(again.body.user.id, res.body.user.id, 'the same Telegram user is the same user');
    const socket = await Client.connect(tg.wsUrl(res.body.token));
    assert.deepEqual(greeting(await socket.next()), { type: 'connected', data: { userId: res.body.user.id, role: 'user' } });
    await socket.close();

    const fields = new URLSearchParams(initData);
    fields.set('user', JSON.stringify({ id: 1, first_name: 'Mallory' }));
    const forged = await api(tg, 'POST', '/api/auth/telegram', null, { initData: fields.toString() });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error, 'invalid-init-data');
  } finally {
    await tg.stop();
  }
  const off = await api(server, 'POST', '/api/auth/telegram', null, { initData: 'x=1' });
  assert.equal(off.status, 503);
  assert.equal(off.body.error, 'telegram-disabled');
});

test('Idempotency-Key: a retried checkout gets the first answer and creates nothing new', async () => {
  await giveBonus(server, 90, 50, moscow);
  const customer = await connectAs(server, 90, 'user');
  const soup = await lines(server, { name: 'Idempotent soup', price: 200 });
  const body = { city_id: moscow, items: soup, bonuses_used: 50 };
  const send = (key, b = body, who = 90) => api(server, 'POST', '/api/orders', token(who, 'user'), b, { 'Idempotency-Key': key });
  const key = `checkout-${crypto.randomUUID()}`;
  const first = await send(key);
  assert.equal(first.status, 201);
  // A double tap: five more at once, and one later.
  const again = await Promise.all(Array.from({ length: 5 }, () => send(key)));
  again.push(await send(key));
  for (const res of again) {
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, first.body);
  }
  // Whitespace does not make it another request; a different body does.
  const spaced = await fetch(`${server.base}/api/orders`, { method: 'POST', headers: { authorization: `Bearer ${token(90, 'user')}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body, null, 2) });
  assert.equal(spaced.status, 201);
  // Nor does the order of its members: the body is compared as JSON.
  const reordered = await send(key, { bonuses_used: 50, items: soup.map(({ quantity, menuItemId }) => ({ quantity, menuItemId })), city_id: moscow });
  assert.equal(reordered.status, 201, JSON.stringify(reordered.body));
  assert.deepEqual(reordered.body, first.body);
  const reused = await send(key, { ...body, comment: 'another checkout' });
  assert.equal(reused.status, 422);
  assert.equal(reused.body.error, 'idempotency-key-reused');
  const mine = (await api(server, 'GET', '/api/orders', token(90, 'user'))).body.orders;
  assert.equal(mine.filter((o) => o.id === first.body.id).length, 1);
  assert.equal(mine.length, 2, 'the bonus order and this one: no second order');
  assert.equal((await api(server, 'GET', '/api/bonuses', token(90, 'user'))).body.balance, 0, 'bonuses spent once');
  const events = (await drainToFence(server, customer, 'user-90')).filter((m) => m.type === 'order-created');
  assert.equal(events.length, 1, 'one order-created');
  // Keys are per customer; a refused request does not use its key up.
  assert.equal((await send(key, body, 91)).status, 422, 'customer 91 has no bonuses: its own key, its own answer');
  for (const bad of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
    const res = await send(bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.equal(res.body.error, 'bad-idempotency-key');
  }
  await customer.close();
});
