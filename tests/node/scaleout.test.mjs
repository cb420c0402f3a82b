// Several instances behind one address: events cross instances through a real Redis,
// reach every socket once, and local delivery survives Redis going away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, connectAs } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';

// Everything but fences a socket receives up to a fence event published on `via`.
async function drainToFence(via, client, room) {
  const id = crypto.randomUUID();
  await via.publish([room], 'fence', { id });
  const seen = [];
  for (;;) {
    const msg = await client.next(10000);
    if (msg.type === 'fence' && msg.data.id === id) return seen;
    if (msg.type !== 'fence') seen.push(msg);
  }
}

async function readiness(srv) {
  const res = await fetch(`${srv.base}/readyz`);
  return { status: res.status, body: await res.json() };
}

// Polls a state that changes asynchronously (a connection dropping or coming back),
// bounded in time.
async function eventually(check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('an event published on one instance reaches sockets on both, once each', async () => {
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url });
  const b = await startServer([], { REDIS_URL: redis.url });
  try {
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    const onA = await connectAs(a, 1, 'admin');
    const onB = await connectAs(b, 2, 'admin');
    const userOnB = await connectAs(b, 7, 'user');
    const res = await a.publish(['admin-orders', 'user-7', 'user-2'], 'new-order', { id: 1 });
    assert.deepEqual(await res.json(), { recipients: 1 }, 'recipients counts this instance only');
    const fromB = await b.publish(['admin-orders'], 'order-status-updated', { orderId: 1 });
    assert.equal(fromB.status, 202);
    // Each fence travels the same path as the event from the other instance, so it arrives
    // after it: A's sockets get the fence through B, B's through A.
    // Events of different publishers have no order between them; each arrives once.
    const types = async (via, client) => (await drainToFence(via, client, 'admin-orders')).map((m) => m.type).sort();
    assert.deepEqual(await types(b, onA), ['new-order', 'order-status-updated']);
    assert.deepEqual(await types(a, onB), ['new-order', 'order-status-updated']);
    assert.deepEqual((await drainToFence(a, userOnB, 'user-7')).map((m) => m.type), ['new-order']);
    await Promise.all([onA.close(), onB.close(), userOnB.close()]);
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
  }
});

test('with Redis down, local delivery goes on and readyz says degraded; then it recovers by itself', async () => {
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url });
  const b = await startServer([], { REDIS_URL: redis.url });
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
    assert.deepEqual(await onA.next(), { type: 'new-order', data: { id: 2 } });

    await redis.restart();
    await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
    // Cross-instance delivery is back without a restart of either instance. What was
    // published during the outage reaches the other instance at most once: Redis pub/sub
    // drops messages for a subscriber that has not reconnected yet.
    const seen = await drainToFence(a, onB, 'admin-orders');
    assert.ok(seen.length === 0 || (seen.length === 1 && seen[0].data.id === 2), JSON.stringify(seen));
    await Promise.all([onA.close(), onB.close()]);
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
  }
});
