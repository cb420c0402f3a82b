// Unattended alerts and presence across two instances on one PostgreSQL and one Redis
// (docs/protocol.md §11): each alert is claimed once in the database, so every socket, on
// either instance, gets each alert once; presence counts a manager connected to the other
// instance, and stops counting one whose instance died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAs, token, api, lines, eventually } from './lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';

test('two instances: each alert reaches each socket once; presence spans instances and forgets a dead one', async () => {
  const cluster = await startCluster({ PENDING_ALERT_S: '1' });
  const { a, b } = cluster;
  try {
    const admin = token(1, 'admin');
    const city = (await api(a, 'POST', '/api/cities', admin, { name: 'Moscow' })).body.id;
    const onA = await connectAs(a, 1, 'admin');
    const onB = await connectAs(b, 2, 'admin');
    const managerOnB = await connectAs(b, 20, 'manager', { cityIds: [city] });

    // Presence asked on A counts the manager connected to B.
    await eventually(async () => {
      const res = await api(a, 'GET', '/api/presence', admin);
      return res.body.cities.find((c) => c.cityId === city)?.managersOnline === 1 && res.body.staffOnline.manager === 1;
    }, 10000);

    const order = (await api(a, 'POST', '/api/orders', token(10, 'user'), { city_id: city, items: await lines(a, { name: 'Soup', price: 100 }) })).body;
    const collect = async (socket) => {
      const ids = [];
      const until = Date.now() + 3600;
      for (;;) {
        const msg = await socket.next(Math.max(1, until - Date.now())).catch(() => null);
        if (!msg) return ids;
        if (msg.type === 'order-unattended' && msg.data.orderId === order.id) {
          assert.equal(msg.data.managersOnline, 1, 'the manager on B counts for alerts sent from either instance');
          ids.push(msg.id);
        }
      }
    };
    const [fromA, fromB, forManager] = await Promise.all([collect(onA), collect(onB), collect(managerOnB)]);
    assert.ok(fromA.length >= 2 && fromA.length <= 4, `alerts on A: ${fromA}`);
    assert.equal(new Set(fromA).size, fromA.length, 'no alert twice on one socket');
    assert.deepEqual(fromB, fromA, 'the same alerts, once each, on the other instance');
    assert.deepEqual(forManager, fromA);

    // B dies without a word: its manager stops counting on A (within 60 s; here about 10).
    const killed = Date.now();
    await b.stop('SIGKILL');
    await eventually(async () => (await api(a, 'GET', '/api/presence', admin)).body.staffOnline.manager === 0, 60000);
    assert.ok(Date.now() - killed < 60000);
    await onA.close();
  } finally {
    await cluster.stop();
  }
});
