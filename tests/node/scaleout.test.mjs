// Several instances behind one address: events cross instances through a real Redis,
// reach every socket once, and local delivery survives Redis going away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, connectAs, token, api, addStaff, drainToFence, readiness, eventually, logged, lines } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';

test('an event published on one instance reaches sockets on both, once each', async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  const b = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  try {
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    const onA = await connectAs(a, 1, 'admin');
    const onB = await connectAs(b, 2, 'admin');
    const userOnB = await connectAs(b, 7, 'user');
    const res = await a.publish(['admin-orders', 'user-7', 'user-2'], 'new-order', { id: 1 });
    assert.deepEqual(await res.json(), { recipients: 1 }, 'recipients counts this instance only');
    const fromB = await b.publish(['admin-orders'], 'order-status-updated', { orderId: 1 });
    assert.equal(fromB.status, 202);
    // Both instances deliver in log order (docs/protocol.md §10): A's event was logged first, so
    // it comes first on every socket, whichever instance the socket is on.
    const types = async (via, client) => (await drainToFence(via, client, 'admin-orders')).map((m) => m.type);
    assert.deepEqual(await types(b, onA), ['new-order', 'order-status-updated']);
    assert.deepEqual(await types(a, onB), ['new-order', 'order-status-updated']);
    assert.deepEqual((await drainToFence(a, userOnB, 'user-7')).map((m) => m.type), ['new-order']);
    await Promise.all([onA.close(), onB.close(), userOnB.close()]);
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
    await pg.stop();
  }
});

test('instances of different databases do not share events through one Redis', async () => {
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url });
  const b = await startServer([], { REDIS_URL: redis.url });
  try {
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    const onB = await connectAs(b, 2, 'admin');
    // Two SQLite files are two logs whose ids mean different events: B never gets A's.
    assert.equal((await a.publish(['admin-orders'], 'new-order', { id: 1 })).status, 202);
    assert.deepEqual(await drainToFence(b, onB, 'admin-orders'), []);
    await onB.close();
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
  }
});

test('with Redis down, local delivery goes on and readyz says degraded; then it recovers by itself', async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  const b = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  try {
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    const onA = await connectAs(a, 1, 'admin');
    const onB = await connectAs(b, 2, 'admin');
    await redis.stop();
    await eventually(async () => (await readiness(a)).status === 503);
    const degraded = await readiness(a);
    assert.deepEqual(degraded.body, { status: 'degraded', checks: { database: 'ok', broker: 'down' } });
    const local = await a.publish(['admin-orders'], 'new-order', { id: 2 });
    assert.deepEqual(await local.json(), { recipients: 1 });
    assert.deepEqual(logged(await onA.next()), { type: 'new-order', data: { id: 2 } });

    await redis.restart();
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    // Cross-instance delivery is back without a restart of either instance, and what was
    // published during the outage reaches the other instance exactly once: it catches up
    // from the event log.
    const seen = await drainToFence(a, onB, 'admin-orders');
    assert.deepEqual(seen.map((m) => logged(m)), [{ type: 'new-order', data: { id: 2 } }]);
    await Promise.all([onA.close(), onB.close()]);
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
    await pg.stop();
  }
});


test('two instances on one PostgreSQL and one Redis act as one server', async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  const gulyash = await startGulyash();
  const env = { REDIS_URL: redis.url, DATABASE_URL: pg.url, GULYASH_URL: gulyash.url };
  const a = await startServer([], env);
  const b = await startServer([], env);
  try {
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    const admin = token(1, 'admin');
    const city = (await api(a, 'POST', '/api/cities', admin, { name: 'Moscow' })).body.id;
    const customerOnB = await connectAs(b, 10, 'user');
    const managerOnA = await connectAs(a, 20, 'manager', { cityIds: [city] });
    const adminOnB = await connectAs(b, 1, 'admin');

    // Placed on B, confirmed on A: every socket hears each change once, wherever it is.
    const order = (await api(b, 'POST', '/api/orders', token(10, 'user'), { city_id: city, items: await lines(b, { name: 'Soup', price: 2000, quantity: 1 }) })).body;
    assert.equal((await api(a, 'PATCH', `/api/orders/${order.id}/status`, admin, { status: 'confirmed' })).status, 200);
    // Changes published on different instances have no order between them: compare sorted.
    const types = async (via, client, room) => (await drainToFence(via, client, room)).map((m) => m.type).filter((t) => !t.startsWith('sync-')).sort();
    assert.deepEqual(await types(a, customerOnB, 'user-10'), ['order-created', 'order-status-updated']);  // sorted
    assert.deepEqual(await types(b, managerOnA, `city-${city}-orders`), ['new-order', 'order-status-updated']);
    assert.deepEqual(await types(a, adminOnB, 'admin-orders'), ['new-order', 'order-status-updated']);
    assert.equal((await api(b, 'GET', `/api/orders/${order.id}`, admin)).body.status, 'confirmed');

    // Bonuses spent from both instances at once: one order wins.
    for (const status of ['preparing', 'ready', 'completed']) await api(b, 'PATCH', `/api/orders/${order.id}/status`, admin, { status });
    const pie = await lines(a, { name: 'Pie', price: 500 });
    const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => api(i % 2 ? a : b, 'POST', '/api/orders', token(10, 'user'), {
      city_id: city, items: pie, bonuses_used: 100,
    })));
    assert.deepEqual(attempts.map((x) => x.status).sort(), [201, ...Array(9).fill(422)]);

    // Both instances run the outbox worker; each change reaches Gulyash once.
    const expected = 1 + 4 + 1;  // the order, its four status changes, the pie
    const deliveries = await gulyash.waitFor(expected);
    await drainToFence(a, adminOnB, 'admin-orders');
    assert.equal(new Set(deliveries.map((d) => d.key)).size, deliveries.length, 'no change sent twice');
    assert.equal(deliveries.length, expected);

    // A manager moved to another city on A leaves the old room on B at once (a control
    // message through Redis), and an old token naming the old city is not believed on B.
    const kazan = (await api(a, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
    const olga = await addStaff(a, 'olga', 'manager', 'a long password', [city]);
    const olgaOnB = await connectAs(b, olga, 'manager', { cityIds: [city] });
    assert.equal((await api(a, 'PUT', `/api/managers/${olga}/cities`, admin, [kazan])).status, 200);
    // Everything below is published on A, so it reaches B in order, the control message
    // first; fences go through A too.
    await api(a, 'POST', '/api/orders', token(11, 'user'), { city_id: kazan, items: await lines(a, { name: 'Tea', price: 100, quantity: 1 }) });
    assert.deepEqual(await types(a, olgaOnB, `user-${olga}`), ['new-order'], 'in the Kazan room on B');
    await api(a, 'POST', '/api/orders', token(11, 'user'), { city_id: city, items: await lines(a, { name: 'Tea', price: 100, quantity: 1 }) });
    assert.deepEqual(await types(a, olgaOnB, `user-${olga}`), [], 'no longer in the Moscow room on B');
    const stale = token(olga, 'manager', { cityIds: [city] });
    assert.equal((await api(b, 'GET', `/api/orders/${order.id}`, stale)).status, 404);
    await olgaOnB.close();
    await Promise.all([customerOnB.close(), managerOnA.close(), adminOnB.close()]);
  } finally {
    await a.stop();
    await b.stop();
    await gulyash.stop();
    await redis.stop();
    await pg.stop();
  }
});

test('two instances, Gulyash hanging then recovering: every change arrives once, in order per order, never twice at once', async () => {
  const pg = await startPostgres();
  const gulyash = await startGulyash();
  const env = { DATABASE_URL: pg.url, GULYASH_URL: gulyash.url, GULYASH_TIMEOUT_MS: '300' };
  const a = await startServer([], env);
  const b = await startServer([], env);
  // A third instance without GULYASH_URL: its orders' changes are recorded all the same.
  const c = await startServer([], { DATABASE_URL: pg.url });
  try {
    const admin = token(1, 'admin');
    const city = (await api(a, 'POST', '/api/cities', admin, { name: 'Sochi' })).body.id;
    const fromC = (await api(c, 'POST', '/api/orders', token(79, 'user'), { city_id: city, items: await lines(c, { name: 'Tea', price: 100, quantity: 1 }) })).body;
    gulyash.setMode('hang');
    const orders = [];
    for (let i = 0; i < 4; i++) {
      const via = i % 2 ? a : b;
      const o = (await api(via, 'POST', '/api/orders', token(70 + i, 'user'), { city_id: city, items: await lines(via, { name: 'Soup', price: 100, quantity: 1 }) })).body;
      for (const status of ['confirmed', 'preparing']) {
        assert.equal((await api(i % 2 ? b : a, 'PATCH', `/api/orders/${o.id}/status`, admin, { status })).status, 200);
      }
      orders.push(o.id);
    }
    // Both instances' workers time out against the hanging Gulyash and back off.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    gulyash.setMode('ok');
    gulyash.dropHanging();
    const accepted = () => gulyash.received.filter((d) => d.answered === 200);
    for (let i = 0; i < 100 && accepted().length < 13; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const ok = accepted();
    assert.equal(ok.length, 13, `accepted ${ok.length} of 13`);
    assert.equal(new Set(ok.map((d) => d.key)).size, 13, 'each change accepted once');
    assert.deepEqual(ok.filter((d) => d.body.id === fromC.id).map((d) => d.body.status), ['pending'], 'the order placed on the instance without GULYASH_URL');
    assert.deepEqual(gulyash.overlaps, [], 'no change sent while an earlier send of it was open');
    for (const id of orders) {
      const statuses = ok.filter((d) => d.body.id === id).map((d) => d.body.status);
      assert.deepEqual(statuses, ['pending', 'confirmed', 'preparing'], `order ${id}`);
    }
    const metrics = async (srv) => Number(/ordercast_sync_sent_total (\d+)/.exec(await (await fetch(`${srv.base}/metrics`)).text())[1]);
    assert.equal((await metrics(a)) + (await metrics(b)), 13, 'sent counted once, by the instance that sent it');
  } finally {
    await a.stop();
    await b.stop();
    await c.stop();
    await gulyash.stop();
    await pg.stop();
  }
});

test('with PostgreSQL down requests get 503 and the server recovers without a restart', async () => {
  const pg = await startPostgres();
  const srv = await startServer([], { DATABASE_URL: pg.url });
  try {
    const admin = token(1, 'admin');
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
    const x = await lines(srv, { name: 'x', price: 1 });
    await pg.halt();
    const down = await api(srv, 'POST', '/api/orders', token(5, 'user'), { city_id: city, items: x });
    assert.equal(down.status, 503);
    assert.equal(down.body.error, 'database-unavailable');
    // Readiness comes from a probe that runs every second in the background.
    await eventually(async () => (await readiness(srv)).status === 503, 5000);
    assert.equal((await readiness(srv)).body.checks.database, 'down');
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200, 'the process itself is fine');

    await pg.resume();
    const up = await api(srv, 'POST', '/api/orders', token(5, 'user'), { city_id: city, items: x });
    assert.equal(up.status, 201);
    await eventually(async () => (await readiness(srv)).status === 200, 5000);
  } finally {
    await srv.stop();
    await pg.stop();
  }
});
