// docs/events.schema.json (JSON Schema 2020-12) holds true for what the server really sends:
// a flow that makes every message type — connected (fresh and resumed), resync, pong,
// room-joined/left, error, new-order, order-created, order-status-updated, bonus-updated,
// sync-error, sync-success, order-unattended — and every frame received is validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer, Client, token, api, lines, eventually } from './lib/server.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';

const schema = JSON.parse(fs.readFileSync(new URL('../../docs/events.schema.json', import.meta.url)));

test('every frame the server sends matches docs/events.schema.json, and the flow makes every type', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  const gulyash = await startGulyash();
  gulyash.setMode('fail');
  const srv = await startServer([], { GULYASH_URL: gulyash.url, GULYASH_API_KEY: 'gulyash-key-7f3a9c51', PENDING_ALERT_S: '1' });
  const frames = [];
  const watch = async (url) => {
    const c = await Client.connect(url);
    frames.push(await c.next());  // `connected`, already queued by the time we listen
    c.ws.on('message', (raw) => frames.push(JSON.parse(raw)));
    return c;
  };
  try {
    const admin = await watch(srv.wsUrl(token(1, 'admin')));
    const customer = await watch(srv.wsUrl(token(10, 'user')));
    const city = (await api(srv, 'POST', '/api/cities', token(1, 'admin'), { name: 'Schema City' })).body.id;
    const order = (await api(srv, 'POST', '/api/orders', token(10, 'user'), { city_id: city, items: await lines(srv, { name: 'Soup', price: 100.5 }), comment: 'ring' })).body;
    await eventually(async () => frames.some((f) => f.type === 'order-unattended') && frames.some((f) => f.type === 'sync-error'), 10000);
    gulyash.setMode('ok');
    for (const status of ['confirmed', 'preparing', 'ready', 'completed'])
      assert.equal((await api(srv, 'PATCH', `/api/orders/${order.id}/status`, token(1, 'admin'), { status })).status, 200);
    for (const msg of [{ type: 'ping' }, { type: 'join-room', data: { roomId: 'city-1-orders' } }, { type: 'leave-room', data: { roomId: 'city-1-orders' } },
      { type: 'join-room', data: { roomId: 'lobby' } }, { type: 'nope' }, { type: 'join-room' }]) admin.ws.send(JSON.stringify(msg));
    customer.ws.send('{not json');
    customer.ws.send(JSON.stringify({ type: 'join-room', data: { roomId: 'admin-orders' } }));
    const resumed = await watch(`${srv.wsUrl(token(1, 'admin'))}&since=0`);
    const lost = await watch(`${srv.wsUrl(token(1, 'admin'))}&since=99999`);
    frames.push(await lost.next());  // its resync
    const wanted = ['connected', 'resync', 'pong', 'room-joined', 'room-left', 'error', 'new-order', 'order-created',
      'order-status-updated', 'bonus-updated', 'sync-error', 'sync-success', 'order-unattended'];
    await eventually(async () => wanted.every((t) => frames.some((f) => f.type === t)), 15000)
      .catch(() => assert.fail(`never seen: ${wanted.filter((t) => !frames.some((f) => f.type === t))}`));
    assert.ok(frames.some((f) => f.type === 'connected' && f.data.recovered === true));
    for (const frame of frames) assert.ok(validate(frame), `${JSON.stringify(frame)}\n${ajv.errorsText(validate.errors)}`);
    // And the schema is no rubber stamp: wrong frames fail it.
    for (const bad of [{ type: 'pong', id: 3 }, { type: 'new-order', data: order }, { type: 'resync', data: { reason: 'whim', lastEventId: 1 } },
      { type: 'order-status-updated', id: 5, data: { orderId: 1, newStatus: 'eaten', oldStatus: 'pending', timestamp: '2024-01-15T10:30:00.000Z' } }])
      assert.equal(validate(bad), false, JSON.stringify(bad));
    await Promise.all([admin, customer, resumed, lost].map((c) => c.close()));
  } finally {
    await srv.stop();
    await gulyash.stop?.();
  }
});
