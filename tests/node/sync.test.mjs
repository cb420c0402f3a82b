// docs/protocol.md §8: every order and status change reaches Gulyash at least once, in order,
// across its outages and our crashes; admins hear about each outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, connectAs, token, api, logged, lines } from './lib/server.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';

const admin = token(1, 'admin');


async function setup(env = {}, options = {}) {
  const gulyash = options.gulyash ?? await startGulyash();
  const server = await startServer([], { GULYASH_URL: gulyash.url, GULYASH_API_KEY: 'secret-key', ...env }, options);
  let city = (await api(server, 'GET', '/api/cities', admin)).body.cities[0]?.id;
  if (!city) city = (await api(server, 'POST', '/api/cities', admin, { name: 'Moscow' })).body.id;
  return { gulyash, server, city };
}

async function placeOrder(server, city, user = 10) {
  const res = await api(server, 'POST', '/api/orders', token(user, 'user'), { city_id: city, items: await lines(server, { name: 'Borscht', price: 300, quantity: 1 }) });
  assert.equal(res.status, 201);
  return res.body;
}

// The next sync-* message on an admin socket.
async function nextSync(socket) {
  for (;;) {
    const msg = await socket.next(20000);
    if (msg.type.startsWith('sync-')) return msg;
  }
}

test('a new order and its status change are delivered with the key and the order JSON', async () => {
  const { gulyash, server, city } = await setup();
  try {
    const watcher = await connectAs(server, 1, 'admin');
    const order = await placeOrder(server, city);
    const success = await nextSync(watcher);
    assert.equal(success.type, 'sync-success');
    assert.deepEqual({ ...success.data, timestamp: undefined }, { entity: 'order', entityId: order.id, timestamp: undefined });
    await api(server, 'PATCH', `/api/orders/${order.id}/status`, admin, { status: 'confirmed' });
    assert.equal((await nextSync(watcher)).type, 'sync-success');
    const [created, confirmed] = await gulyash.waitFor(2);
    assert.equal(created.method, 'POST');
    assert.equal(created.path, '/orders');
    assert.equal(created.auth, 'Bearer secret-key');
    assert.deepEqual(created.body, order);
    // Gulyash learns which menu item each line is, with the name and price it was ordered at.
    const [line] = created.body.items;
    assert.ok(Number.isSafeInteger(line.menuItemId) && line.menuItemId > 0, JSON.stringify(line));
    assert.deepEqual({ ...line, menuItemId: undefined }, { menuItemId: undefined, name: 'Borscht', price: 300, quantity: 1 });
    assert.equal(confirmed.body.status, 'confirmed');
    assert.ok(created.key && confirmed.key && created.key !== confirmed.key, 'one key per change');
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    assert.match(metrics, /ordercast_sync_sent_total 2\b/);
    await watcher.close();
  } finally {
    await server.stop();
    await gulyash.stop();
  }
});

test('HTTP 503 is reported and retried with the same key until it succeeds', async () => {
  const { gulyash, server, city } = await setup();
  try {
    const watcher = await connectAs(server, 1, 'admin');
    gulyash.setMode('503');
    const order = await placeOrder(server, city);
    const error = await nextSync(watcher);
    assert.equal(error.type, 'sync-error');
    assert.deepEqual({ ...error.data, timestamp: undefined },
      { entity: 'order', entityId: order.id, error: 'HTTP 503', attempt: 1, willRetry: true, timestamp: undefined });
    gulyash.setMode('ok');
    const success = await nextSync(watcher);
    assert.equal(success.type, 'sync-success');
    const deliveries = await gulyash.waitFor(2);
    assert.equal(deliveries[0].key, deliveries[1].key, 'a retry carries the same Idempotency-Key');
    assert.deepEqual(deliveries.map((d) => d.answered), [503, 200]);
    await watcher.close();
  } finally {
    await server.stop();
    await gulyash.stop();
  }
});

test('a Gulyash that hangs is a "Connection timeout", one that is down "Connection refused"', async () => {
  const { gulyash, server, city } = await setup({ GULYASH_TIMEOUT_MS: '300' });
  try {
    const watcher = await connectAs(server, 1, 'admin');
    gulyash.setMode('hang');
    await placeOrder(server, city);
    const timeout = await nextSync(watcher);
    assert.equal(timeout.data.error, 'Connection timeout');
    await gulyash.refuse();
    const refused = await nextSync(watcher);
    assert.equal(refused.data.error, 'Connection refused');
    assert.equal(refused.data.attempt, 2);
    await watcher.close();
  } finally {
    await server.stop();
    await gulyash.stop();
  }
});

test('after the last attempt a change waits for an admin, who can list and retry it', async () => {
  const { gulyash, server, city } = await setup({ GULYASH_MAX_ATTEMPTS: '2' });
  try {
    const watcher = await connectAs(server, 1, 'admin');
    gulyash.setMode('503');
    const order = await placeOrder(server, city);
    assert.equal((await nextSync(watcher)).data.willRetry, true);
    const last = await nextSync(watcher);
    assert.equal(last.data.attempt, 2);
    assert.equal(last.data.willRetry, false);

    assert.equal((await api(server, 'GET', '/api/sync/failed', token(5, 'user'))).status, 403);
    assert.equal((await api(server, 'GET', '/api/sync/failed', token(6, 'manager', { cityIds: [city] }))).status, 403);
    const failed = await api(server, 'GET', '/api/sync/failed', admin);
    assert.equal(failed.status, 200);
    assert.equal(failed.body.failed.length, 1);
    assert.equal(failed.body.failed[0].entityId, order.id);
    assert.equal(failed.body.failed[0].error, 'HTTP 503');
    assert.equal(failed.body.failed[0].attempts, 2);

    assert.equal((await api(server, 'POST', `/api/sync/order/${order.id}/retry`, token(5, 'user'))).status, 403);
    assert.equal((await api(server, 'POST', '/api/sync/order/999999/retry', admin)).status, 404);
    assert.equal((await api(server, 'POST', `/api/sync/invoice/${order.id}/retry`, admin)).status, 404);
    gulyash.setMode('ok');
    const retry = await api(server, 'POST', `/api/sync/order/${order.id}/retry`, admin);
    assert.equal(retry.status, 202);
    assert.equal((await nextSync(watcher)).type, 'sync-success');
    assert.deepEqual((await api(server, 'GET', '/api/sync/failed', admin)).body.failed, []);
    await watcher.close();
  } finally {
    await server.stop();
    await gulyash.stop();
  }
});

test('changes of one order arrive in order after an outage', async () => {
  const { gulyash, server, city } = await setup();
  try {
    await gulyash.refuse();
    const order = await placeOrder(server, city);
    for (const status of ['confirmed', 'preparing']) {
      assert.equal((await api(server, 'PATCH', `/api/orders/${order.id}/status`, admin, { status })).status, 200);
    }
    await gulyash.resume();
    const deliveries = await gulyash.waitFor(3);
    assert.deepEqual(deliveries.map((d) => d.body.status), ['pending', 'confirmed', 'preparing']);
  } finally {
    await server.stop();
    await gulyash.stop();
  }
});

test('kill -9 with Gulyash down, then up: every order arrives', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-sync-'));
  const gulyash = await startGulyash();
  try {
    await gulyash.refuse();
    const first = await setup({}, { dataDir, gulyash });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await placeOrder(first.server, first.city, 20 + i)).id);
    await first.server.stop('SIGKILL');
    await gulyash.resume();
    const second = await setup({}, { dataDir, gulyash });
    const deliveries = await gulyash.waitFor(3);
    assert.deepEqual([...new Set(deliveries.map((d) => d.body.id))].sort(), ids.sort());
    await second.server.stop();
  } finally {
    await gulyash.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('without GULYASH_URL nothing is recorded and no sync event is sent', async () => {
  const server = await startServer();
  try {
    const city = (await api(server, 'POST', '/api/cities', admin, { name: 'Omsk' })).body.id;
    const watcher = await connectAs(server, 1, 'admin');
    await placeOrder(server, city);
    const fence = crypto.randomUUID();
    await server.publish(['admin-orders'], 'fence', { fence });
    assert.equal((await watcher.next()).type, 'new-order');
    assert.deepEqual(logged(await watcher.next()), { type: 'fence', data: { fence } });
    assert.match(server.log(), /GULYASH_URL unset: this instance delivers nothing to Gulyash/);
    assert.doesNotMatch(await (await fetch(`${server.base}/metrics`)).text(), /ordercast_sync_/);
    await watcher.close();
  } finally {
    await server.stop();
  }
});
