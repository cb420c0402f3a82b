// Connected sockets never stay behind the database (docs/protocol.md §10): events committed on an
// instance whose Redis messages never arrive — Redis froze, then the instance was killed —
// reach the sockets of the other instances within seconds, from the log, without any
// unrelated event to wake them up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, token, eventually } from './lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';

test('events published while Redis is frozen by an instance killed before the thaw reach the other instance', async () => {
  const cluster = await startCluster();
  const { a, b, redis } = cluster;
  try {
    const watcher = await Client.connect(b.wsUrl(token(1, 'admin')));
    const from = (await watcher.next()).data.lastEventId;
    const got = [];
    watcher.ws.on('message', (raw) => {
      const msg = JSON.parse(raw);
      if (msg.type === 'while-frozen') got.push(msg.id);
    });
    redis.freeze();
    for (let i = 0; i < 20; i++) {
      const res = await a.publish(['admin-orders'], 'while-frozen', { i });
      assert.equal(res.status, 202, 'committed to the log');
    }
    await a.stop('SIGKILL');
    redis.thaw();
    const thawed = Date.now();
    await eventually(async () => got.length === 20, 10000);
    assert.ok(Date.now() - thawed < 6000, `caught up ${Date.now() - thawed} ms after the thaw`);
    assert.deepEqual(got, Array.from({ length: 20 }, (_, k) => from + 1 + k), 'every one, once, in order');
    await watcher.close();
  } finally {
    redis.thaw();
    await cluster.stop().catch(() => {});
  }
});
