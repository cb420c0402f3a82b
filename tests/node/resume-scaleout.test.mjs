// The event log across instances (docs/protocol.md §10): two instances on one PostgreSQL and one
// Redis. Every socket sees ids only increase (checked as they arrive, never sorted first),
// each event once, whichever instance published it; a client that moves with `since` gets
// everything; a Redis outage loses nothing for sockets that stay connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, token, readiness, eventually, drainToFence } from './lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';

// A socket that checks, message by message, that event ids only increase.
async function watch(srv, userId, since) {
  let url = srv.wsUrl(token(userId, 'admin'));
  if (since !== undefined) url += `&since=${since}`;
  const c = await Client.connect(url);
  const hello = await c.next();
  assert.equal(hello.type, 'connected');
  c.hello = hello.data;
  c.lastId = since ?? hello.data.lastEventId;
  const next = c.next.bind(c);
  c.next = async (ms) => {
    const msg = await next(ms);
    if (msg.id !== undefined) {
      assert.ok(msg.id > c.lastId, `user ${userId}: id ${msg.id} after ${c.lastId}`);
      c.lastId = msg.id;
    }
    return msg;
  };
  return c;
}

const labels = (messages) => messages.map((m) => `${m.data.from}${m.data.i}`);

test('every socket gets every event once in id order, whichever instance published it, and a client moves from A to B with since', async () => {
  const c = await startCluster();
  try {
    const onA = await watch(c.a, 1);
    const onB = await watch(c.b, 2);
    let mover = await watch(c.a, 3);
    // Both instances publish at once: their events interleave in the log.
    const publishing = Promise.all(['A', 'B'].map(async (from) => {
      const srv = from === 'A' ? c.a : c.b;
      for (let i = 0; i < 150; i++) assert.equal((await srv.publish(['admin-orders'], 'e', { from, i })).status, 202);
    }));
    for (let i = 0; i < 30; i++) await mover.next();
    const since = mover.lastId;
    await mover.close();
    mover = await watch(c.b, 3, since);
    assert.equal(mover.hello.recovered, true);
    await publishing;

    const all = labels(await drainToFence(c.a, onA, 'user-1'));
    assert.equal(all.length, 300);
    assert.equal(new Set(all).size, 300, 'each once');
    assert.deepEqual(labels(await drainToFence(c.a, onB, 'user-2')), all, 'the same order on both instances');
    const rest = labels(await drainToFence(c.a, mover, 'user-3'));
    assert.deepEqual(rest, all.slice(30), 'the mover got everything after what it had');
    await Promise.all([onA.close(), onB.close(), mover.close()]);
  } finally {
    await c.stop();
  }
});

test('Redis down for 5 s while both instances publish: afterwards every socket has every event, in id order, once', async () => {
  const c = await startCluster();
  try {
    const sockets = [await watch(c.a, 11), await watch(c.a, 12), await watch(c.b, 13), await watch(c.b, 14)];
    await c.redis.stop();
    await eventually(async () => (await readiness(c.a)).status === 503 && (await readiness(c.b)).status === 503);
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < 5000) {
      assert.equal((await c.a.publish(['admin-orders'], 'e', { from: 'A', i })).status, 202);
      assert.equal((await c.b.publish(['admin-orders'], 'e', { from: 'B', i })).status, 202);
      i++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await c.redis.restart();
    await eventually(async () => (await readiness(c.a)).status === 200 && (await readiness(c.b)).status === 200);
    const expected = new Set();
    for (let k = 0; k < i; k++) expected.add(`A${k}`).add(`B${k}`);
    let reference;
    for (const [n, s] of sockets.entries()) {
      // Fences go through the other instance: they arrive only once Redis carries again.
      const seen = labels(await drainToFence(n < 2 ? c.b : c.a, s, `user-${11 + n}`));
      assert.equal(seen.length, expected.size, `socket ${n}: ${seen.length} of ${expected.size}`);
      assert.deepEqual(new Set(seen), expected);
      reference ??= seen;
      assert.deepEqual(seen, reference, 'one order, the log\'s, on every socket');
    }
    await Promise.all(sockets.map((s) => s.close()));
  } finally {
    await c.stop();
  }
});
