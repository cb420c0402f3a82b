// docs/protocol.md §3–4 and §6 with Node's ws: rooms by role, join/leave authorisation,
// delivery to exactly the right sockets, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, connectAs, logged } from './lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// Events reach each socket in publish order, so a later event to a socket proves an
// earlier one did not come to it.
async function fence(clients, rooms) {
  const id = Math.random();
  const res = await server.publish(rooms, 'fence', { id });
  assert.equal(res.status, 202);
  return id;
}

test('each role gets the events of exactly its rooms', async () => {
  const admin = await connectAs(server, 1, 'admin');
  const ceo = await connectAs(server, 2, 'ceo');
  const m3 = await connectAs(server, 3, 'manager', { cityIds: [3] });
  const m4 = await connectAs(server, 4, 'manager', { cityIds: [4] });
  const u10 = await connectAs(server, 10, 'user');
  const u11 = await connectAs(server, 11, 'user');
  const all = [admin, ceo, m3, m4, u10, u11];

  const order = { id: 456, order_number: '1234', user_id: 10, city_id: 3, status: 'pending', total: 1500 };
  let res = await server.publish(['admin-orders', 'city-3-orders'], 'new-order', order);
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { recipients: 3 });
  res = await server.publish(['user-10'], 'order-created', order);
  assert.deepEqual(await res.json(), { recipients: 1 });
  await fence(all, ['admin-orders', 'city-3-orders', 'city-4-orders', 'user-10', 'user-11']);

  for (const c of [admin, ceo, m3]) {
    assert.deepEqual(logged(await c.next()), { type: 'new-order', data: order });
    assert.equal((await c.next()).type, 'fence');
  }
  assert.deepEqual(logged(await u10.next()), { type: 'order-created', data: order });
  for (const c of [m4, u10, u11]) assert.equal((await c.next()).type, 'fence');
  await Promise.all(all.map((c) => c.close()));
});

test('an event for several rooms of one socket arrives once', async () => {
  const admin = await connectAs(server, 20, 'admin');
  assert.deepEqual(await admin.request({ type: 'join-room', data: { roomId: 'city-9-orders' } }),
    { type: 'room-joined', data: { roomId: 'city-9-orders' } });
  const res = await server.publish(['admin-orders', 'city-9-orders', 'user-20'], 'order-status-updated',
    { orderId: 1, newStatus: 'preparing', oldStatus: 'confirmed', timestamp: '2024-01-15T10:30:00.000Z' });
  assert.deepEqual(await res.json(), { recipients: 1 });
  await fence([admin], ['user-20']);
  assert.equal((await admin.next()).type, 'order-status-updated');
  assert.equal((await admin.next()).type, 'fence');
  await admin.close();
});

test('join-room follows the authorisation table', async () => {
  const user = await connectAs(server, 30, 'user');
  const manager = await connectAs(server, 31, 'manager', { cityIds: [5, 6] });
  const admin = await connectAs(server, 32, 'admin');
  const cases = [
    [user, 'admin-orders', 'forbidden'],
    [user, 'city-5-orders', 'forbidden'],
    [user, 'user-31', 'forbidden'],
    [user, 'user-30', 'joined'],
    [user, 'lobby', 'bad-room'],
    [user, 'city-01-orders', 'bad-room'],
    [user, 'city--1-orders', 'bad-room'],
    [manager, 'city-6-orders', 'joined'],
    [manager, 'city-7-orders', 'forbidden'],
    [manager, 'admin-orders', 'forbidden'],
    [admin, 'city-7-orders', 'joined'],
    [admin, 'user-30', 'joined'],
  ];
  for (const [client, roomId, expected] of cases) {
    const reply = await client.request({ type: 'join-room', data: { roomId } });
    if (expected === 'joined') {
      assert.deepEqual(reply, { type: 'room-joined', data: { roomId } });
    } else {
      assert.equal(reply.type, 'error', roomId);
      assert.equal(reply.data.code, expected, roomId);
      assert.equal(reply.data.requestType, 'join-room');
      assert.equal(typeof reply.data.message, 'string');
    }
  }
  // The admin that joined user-30 now sees that user's events.
  await server.publish(['user-30'], 'bonus-updated', { balance: 150.5 });
  assert.equal((await admin.next()).type, 'bonus-updated');
  assert.equal((await user.next()).type, 'bonus-updated');
  await Promise.all([user, manager, admin].map((c) => c.close()));
});

test('leave-room stops delivery and answers room-left even when not a member', async () => {
  const admin = await connectAs(server, 40, 'admin');
  assert.deepEqual(await admin.request({ type: 'leave-room', data: { roomId: 'admin-orders' } }),
    { type: 'room-left', data: { roomId: 'admin-orders' } });
  assert.deepEqual(await admin.request({ type: 'leave-room', data: { roomId: 'city-1-orders' } }),
    { type: 'room-left', data: { roomId: 'city-1-orders' } });
  await server.publish(['admin-orders'], 'new-order', { id: 1 });
  await fence([admin], ['user-40']);
  assert.equal((await admin.next()).type, 'fence');
  await admin.close();
});

test('a socket may be in at most 256 rooms', async () => {
  // A rate limit high enough for 255 joins in one burst.
  const roomy = await startServer(['--rate-limit-per-s', '10000']);
  try {
    const admin = await connectAs(roomy, 50, 'admin');  // already in admin-orders and user-50
    for (let city = 1; city <= 254; city++) admin.send({ type: 'join-room', data: { roomId: `city-${city}-orders` } });
    for (let city = 1; city <= 254; city++) assert.equal((await admin.next()).type, 'room-joined');
    const over = await admin.request({ type: 'join-room', data: { roomId: 'city-255-orders' } });
    assert.equal(over.type, 'error');
    assert.equal(over.data.code, 'too-many-rooms');
    assert.equal((await admin.request({ type: 'join-room', data: { roomId: 'city-1-orders' } })).type, 'room-joined');
    await admin.close();
  } finally {
    await roomy.stop();
  }
});
