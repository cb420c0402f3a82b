// Live order under load (docs/protocol.md §10: every socket receives events in increasing id
// order, on every instance). An outside chaos run found event N+1 overtaking N at a few
// hundred requests/s with no fault at all — an event handed over on a shard's own thread
// overtaken by one handed over from a database thread. Thousands of events from mixed
// sources (publishes, orders, status changes), 40 sockets each checking every id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, token, api, lines, eventually } from './lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';

// A socket that records every id it is sent, and every time one is not above the last.
async function watcher(srv, id) {
  const c = await Client.connect(srv.wsUrl(token(id, 'admin')));
  const hello = await c.next();
  const w = { c, last: hello.data.lastEventId, count: 0, inversions: [] };
  c.ws.on('message', (raw) => {
    const msg = JSON.parse(raw);
    if (!Number.isSafeInteger(msg.id)) return;
    if (msg.id <= w.last) w.inversions.push(`${msg.id} after ${w.last}`);
    w.last = msg.id;
    w.count += 1;
  });
  return w;
}

// Publishes, orders and status moves from many concurrent requests, spread over `servers`.
async function load(servers, { publishes, orders }) {
  const admin = token(1, 'admin');
  const city = (await api(servers[0], 'POST', '/api/cities', admin, { name: `City ${Date.now()}` })).body.id;
  const items = await lines(servers[0], { name: `Soup ${Date.now()}`, price: 5 });
  const work = [];
  for (let i = 0; i < publishes; i++) {
    const srv = servers[i % servers.length];
    work.push(srv.publish(['admin-orders'], 'load', { i }).then((r) => assert.equal(r.status, 202)));
  }
  for (let i = 0; i < orders; i++) {
    const srv = servers[i % servers.length];
    work.push((async () => {
      const customer = token(10_000 + i, 'user');
      const made = await api(srv, 'POST', '/api/orders', customer, { city_id: city, items });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const moved = await api(servers[(i + 1) % servers.length], 'PATCH', `/api/orders/${made.body.id}/status`, admin, { status: 'confirmed' });
      assert.equal(moved.status, 200);
    })());
  }
  await Promise.all(work);
}

test('one instance, two network threads: 40 sockets see every id in increasing order under mixed load', async () => {
  const srv = await startServer([], { THREADS: '2', ORDERS_PER_MINUTE: '1000' });
  try {
    const watchers = await Promise.all(Array.from({ length: 40 }, (_, k) => watcher(srv, 100 + k)));
    for (let round = 0; round < 10; round++) await load([srv], { publishes: 1000, orders: 200 });
    await eventually(async () => watchers.every((w) => w.count >= 10 * (1000 + 400)), 20000);
    for (const w of watchers) {
      assert.deepEqual(w.inversions, [], 'ids in increasing order');
      await w.c.close();
    }
  } finally {
    await srv.stop();
  }
});

test('two instances on PostgreSQL and Redis: ids increase on every socket of both', async () => {
  const cluster = await startCluster({ THREADS: '2', ORDERS_PER_MINUTE: '1000' });
  try {
    const { a, b } = cluster;
    const watchers = await Promise.all(Array.from({ length: 40 }, (_, k) => watcher(k % 2 ? a : b, 200 + k)));
    for (let round = 0; round < 3; round++) await load([a, b], { publishes: 400, orders: 60 });
    await eventually(async () => watchers.every((w) => w.count >= 3 * (400 + 120)), 30000);
    for (const w of watchers) {
      assert.deepEqual(w.inversions, [], 'ids in increasing order');
      await w.c.close();
    }
  } finally {
    await cluster.stop();
  }
});
