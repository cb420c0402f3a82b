// Unattended orders and staff presence (docs/protocol.md §11) against the real server, with
// PENDING_ALERT_S=1: alerts at about 1 s and 2 s to the admins and the city's managers only,
// none once the order moves on; managersOnline and GET /api/presence count people, not
// sockets; the schedule survives a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, connectAs, token, api, lines, drainToFence, logged, eventually } from './lib/server.mjs';

let server;
let moscow, kazan;
const admin = token(1, 'admin');
before(async () => {
  server = await startServer([], { PENDING_ALERT_S: '1' });
  moscow = (await api(server, 'POST', '/api/cities', admin, { name: 'Moscow' })).body.id;
  kazan = (await api(server, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
});
after(async () => { await server.stop(); });

const place = async (srv, user, city) => (await api(srv, 'POST', '/api/orders', token(user, 'user'), { city_id: city, items: await lines(srv, { name: 'Soup', price: 100 }) })).body;

// The order-unattended alerts about `orderId` that reach `socket` within `ms` (at most
// `count` of them: it returns as soon as it has them).
async function alertsFor(socket, orderId, ms, count = Infinity) {
  const seen = [];
  const until = Date.now() + ms;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0 || seen.length >= count) return seen;
    const msg = await socket.next(left).catch(() => null);
    if (!msg) return seen;
    if (msg.type === 'order-unattended' && msg.data.orderId === orderId) seen.push({ ...logged(msg), at: Date.now() });
  }
}

test("a pending order alerts the admins and its city's managers every interval, and stops once confirmed", async () => {
  const boss = await connectAs(server, 1, 'admin');
  const phone = await connectAs(server, 20, 'manager', { cityIds: [moscow] });
  const laptop = await connectAs(server, 20, 'manager', { cityIds: [moscow] });
  const elsewhere = await connectAs(server, 21, 'manager', { cityIds: [kazan] });
  const customer = await connectAs(server, 10, 'user');
  const started = Date.now();
  const order = await place(server, 10, moscow);
  // The first two alerts: at about 1 s and 2 s (the alerter looks every 250 ms).
  const [forBoss, forPhone] = await Promise.all([alertsFor(boss, order.id, 6000, 2), alertsFor(phone, order.id, 6000, 2)]);
  assert.equal(forBoss.length, 2, JSON.stringify(forBoss));
  assert.deepEqual(forPhone.map((a) => a.id), forBoss.map((a) => a.id), 'the same alerts to the city\'s manager');
  const [first, second] = forBoss;
  assert.ok(first.at - started >= 900, `first after ${first.at - started} ms`);
  assert.ok(second.at - first.at >= 800, `then ${second.at - first.at} ms later`);
  assert.deepEqual({ ...first.data, timestamp: undefined }, {
    orderId: order.id, cityId: moscow, pendingSeconds: first.data.pendingSeconds, managersOnline: 1, timestamp: undefined,
  }, 'one manager with a phone and a laptop is one manager');
  assert.ok(first.data.pendingSeconds >= 1 && second.data.pendingSeconds >= 2);
  assert.match(first.data.timestamp, /Z$/);
  for (const socket of [elsewhere, customer]) {
    const seen = (await drainToFence(server, socket, socket === customer ? 'user-10' : `city-${kazan}-orders`)).filter((m) => m.type === 'order-unattended');
    assert.deepEqual(seen, [], "not to the customer, nor to other cities' managers");
  }
  // Confirmed: no more alerts.
  assert.equal((await api(server, 'PATCH', `/api/orders/${order.id}/status`, admin, { status: 'confirmed' })).status, 200);
  await alertsFor(boss, order.id, 300);
  assert.deepEqual(await alertsFor(boss, order.id, 2200), []);
  await Promise.all([boss, phone, laptop, elsewhere, customer].map((c) => c.close()));
});

test('a cancelled order gets no alert after the cancel', async () => {
  const boss = await connectAs(server, 2, 'ceo');
  const order = await place(server, 11, kazan);
  assert.equal((await api(server, 'PATCH', `/api/orders/${order.id}/status`, token(11, 'user'), { status: 'cancelled' })).status, 200);
  assert.deepEqual(await alertsFor(boss, order.id, 2500), []);
  await boss.close();
});

test('GET /api/presence counts people, per city and by role; customers and services get 403', async () => {
  const phone = await connectAs(server, 30, 'manager', { cityIds: [kazan] });
  const laptop = await connectAs(server, 30, 'manager', { cityIds: [kazan] });
  const ceo = await connectAs(server, 31, 'ceo');
  const res = await api(server, 'GET', '/api/presence', admin);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.cities.find((c) => c.cityId === kazan), { cityId: kazan, managersOnline: 1 });
  assert.deepEqual(res.body.cities.find((c) => c.cityId === moscow), { cityId: moscow, managersOnline: 0 });
  assert.deepEqual(res.body.staffOnline, { admin: 0, ceo: 1, manager: 1 });
  const mine = await api(server, 'GET', '/api/presence', token(32, 'manager', { cityIds: [moscow] }));
  assert.deepEqual(mine.body.cities, [{ cityId: moscow, managersOnline: 0 }], 'a manager sees their own cities');
  assert.deepEqual(mine.body.staffOnline, { admin: 0, ceo: 1, manager: 0 }, "and not how many managers other cities have");
  // A customer's socket carrying manager 30's id is not manager 30: closing it changes nothing.
  const customers = async () => Number(/ordercast_connections_by_role\{role="user"\} (\d+)/.exec(await (await fetch(`${server.base}/metrics`)).text())[1]);
  const before = await customers();
  const impostor = await connectAs(server, 30, 'user');
  await impostor.close();
  await eventually(async () => (await customers()) === before, 5000);  // the server has closed it
  assert.deepEqual((await api(server, 'GET', '/api/presence', admin)).body.cities.find((c) => c.cityId === kazan), { cityId: kazan, managersOnline: 1 });
  for (const tok of [token(10, 'user'), token(900, 'service')]) assert.equal((await api(server, 'GET', '/api/presence', tok)).status, 403);
  await phone.close();
  const still = await api(server, 'GET', '/api/presence', admin);
  assert.equal(still.body.staffOnline.manager, 1, 'the laptop is still open');
  await Promise.all([laptop.close(), ceo.close()]);
  // The server counts a socket out once it has finished closing it.
  await eventually(async () => /ordercast_staff_online\{role="manager"\} 0/.test(await (await fetch(`${server.base}/metrics`)).text()), 5000);
  assert.match(await (await fetch(`${server.base}/metrics`)).text(), /ordercast_unattended_alerts_total [1-9]/);
});

test('the schedule lives in the database: after a restart the alerts go on', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-alerts-'));
  try {
    let srv = await startServer([], { PENDING_ALERT_S: '2' }, { dataDir });
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Omsk' })).body.id;
    const order = await place(srv, 12, city);
    await srv.stop('SIGKILL');
    srv = await startServer([], { PENDING_ALERT_S: '2' }, { dataDir });
    const boss = await connectAs(srv, 1, 'admin');
    const seen = await alertsFor(boss, order.id, 6000, 1);
    assert.ok(seen.length >= 1, 'the alert came after the restart');
    assert.ok(seen[0].data.pendingSeconds >= 2);
    await boss.close();
    await srv.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// Thousands of pending orders: each is alerted within one interval of being due. The alerter
// used to take the 100 lowest ids per round (~130 alerts/s at this interval), so newer
// orders waited many intervals while the oldest were alerted again and again.
test('2,000 pending orders: every one is alerted within one interval of being due, oldest due first', async () => {
  const interval = 3;
  const srv = await startServer([], { PENDING_ALERT_S: String(interval) });
  try {
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Backlog' })).body.id;
    const items = await lines(srv, { name: 'Pelmeni', price: 100 });
    const watcher = await connectAs(srv, 1, 'admin');
    const first = new Map();  // order id -> when its first alert arrived
    watcher.ws.on('message', (raw) => {
      const msg = JSON.parse(raw);
      if (msg.type === 'order-unattended' && !first.has(msg.data.orderId)) first.set(msg.data.orderId, Date.now());
    });
    const created = new Map();
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 100 }, async (_, k) => {
        const res = await api(srv, 'POST', '/api/orders', token(20_000 + batch * 100 + k, 'user'), { city_id: city, items });
        assert.equal(res.status, 201);
        created.set(res.body.id, Date.parse(res.body.created_at));
      }));
    }
    await eventually(async () => first.size === created.size, 4 * interval * 1000);
    const late = [...created].map(([id, at]) => first.get(id) - (at + interval * 1000)).sort((a, b) => b - a);
    assert.ok(late[0] <= interval * 1000, `the latest alert came ${late[0]} ms after its order was due`);
    await watcher.close();
  } finally {
    await srv.stop();
  }
});
